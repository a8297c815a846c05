using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.RateLimiting;
using System.Threading.Tasks;

namespace SemanticKernel.ParallelInvocation.Tests.Execution;

/// <summary>
/// A token bucket refilled by a <see cref="TimeProvider"/>'s timer, with a first-come-first-served queue. The BCL's
/// <see cref="TokenBucketRateLimiter"/> measures elapsed time with the system clock even when replenished by hand, so it cannot be paced
/// by a test clock; this one can, and behaves as it does otherwise (a permit per token, waiters served in order, cancellation honoured).
/// </summary>
internal sealed class ClockedTokenBucket : RateLimiter
{
    private readonly object _gate = new();
    private readonly Queue<TaskCompletionSource<RateLimitLease>> _queue = new();
    private readonly ITimer _timer;
    private readonly int _limit;
    private int _tokens;

    public ClockedTokenBucket(TimeProvider clock, int tokensPerPeriod, TimeSpan period)
    {
        _tokens = _limit = tokensPerPeriod;
        _timer = clock.CreateTimer(_ => Replenish(), null, period, period);
    }

    public int Queued
    {
        get
        {
            lock (_gate)
            {
                return _queue.Count(t => !t.Task.IsCompleted);
            }
        }
    }

    public override TimeSpan? IdleDuration => null;

    public override RateLimiterStatistics? GetStatistics()
    {
        lock (_gate)
        {
            return new RateLimiterStatistics { CurrentAvailablePermits = _tokens, CurrentQueuedCount = _queue.Count(t => !t.Task.IsCompleted) };
        }
    }

    protected override RateLimitLease AttemptAcquireCore(int permitCount)
    {
        lock (_gate)
        {
            return new Lease(TakeLocked());
        }
    }

    protected override ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken)
    {
        TaskCompletionSource<RateLimitLease> waiter;
        lock (_gate)
        {
            if (TakeLocked())
            {
                return ValueTask.FromResult<RateLimitLease>(new Lease(true));
            }

            waiter = new TaskCompletionSource<RateLimitLease>(TaskCreationOptions.RunContinuationsAsynchronously);
            _queue.Enqueue(waiter);
        }

        var registration = cancellationToken.Register(() => waiter.TrySetCanceled(cancellationToken));
        _ = waiter.Task.ContinueWith(_ => registration.Dispose(), TaskScheduler.Default);
        return new ValueTask<RateLimitLease>(waiter.Task);
    }

    protected override void Dispose(bool disposing)
    {
        _timer.Dispose();
        base.Dispose(disposing);
    }

    private bool TakeLocked()
    {
        if (_tokens == 0 || _queue.Any(t => !t.Task.IsCompleted))
        {
            return false;
        }

        _tokens--;
        return true;
    }

    private void Replenish()
    {
        lock (_gate)
        {
            _tokens = _limit;
            while (_tokens > 0 && _queue.TryDequeue(out var waiter))
            {
                if (waiter.TrySetResult(new Lease(true)))
                {
                    _tokens--;
                }
            }
        }
    }

    private sealed class Lease(bool acquired) : RateLimitLease
    {
        public override bool IsAcquired => acquired;

        public override IEnumerable<string> MetadataNames => [];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = null;
            return false;
        }
    }
}
