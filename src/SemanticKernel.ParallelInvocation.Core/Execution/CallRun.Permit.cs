using System;
using System.Threading;
using System.Threading.RateLimiting;
using System.Threading.Tasks;

namespace SemanticKernel.ParallelInvocation.Execution;

// Waiting for a concurrency group's permit. See CallRun.cs for the whole.
internal sealed partial class CallRun
{
    /// <summary>The shortest wait before asking a limiter again after it refused a permit with a retry-after hint.</summary>
    private static readonly TimeSpan MinimumRetryAfter = TimeSpan.FromMilliseconds(1);

    /// <summary>
    /// Waits in the limiter's queue for a permit, under the attempt's time limit, the caller's cancellation and a halt. A limiter that
    /// refuses without queueing but says when to come back (<see cref="MetadataName.RetryAfter"/>: token buckets and windows without a
    /// queue, Redis-backed limiters) is asked again then; one that refuses with no hint ends the call <see cref="ToolCallStatus.Failed"/>.
    /// </summary>
    private async Task WaitForPermitAsync(RateLimiter limiter)
    {
        var token = _attempt?.Token ?? CancellationToken.None;
        var wait = token.CanBeCanceled ? CancellationTokenSource.CreateLinkedTokenSource(token) : new CancellationTokenSource();
        Volatile.Write(ref _group!.PermitWait, wait);
        if (Outcome.Attempts == 0 && Volatile.Read(ref _start) == Stopped)
        {
            wait.Cancel();
        }

        string group = Effects!.Declaration.ConcurrencyGroup!;
        Batch.Observer.CallWaitingForPermit(Outcome, group);
        RateLimitLease? lease = null;
        ToolCallStatus? failed = null;
        Exception? error = null;
        string? message = null;
        try
        {
            while (true)
            {
                lease = await limiter.AcquireAsync(1, wait.Token).ConfigureAwait(false);
                if (lease.IsAcquired)
                {
                    break;
                }

                var retryAfter = RetryAfter(lease);
                lease.Dispose();
                lease = null;
                if (retryAfter is not { } delay)
                {
                    failed = ToolCallStatus.Failed;
                    message = $"Error: the call to '{Request.Name}' did not run: the limiter of its concurrency group '{group}' refused it a permit (its queue is full). Try again later.";
                    break;
                }

                await Task.Delay(delay, Batch.Time, wait.Token).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (wait.IsCancellationRequested)
        {
            error = ex;
            if (Outcome.Attempts == 0 && Volatile.Read(ref _start) == Stopped)
            {
                failed = ToolCallStatus.Skipped;
            }
            else if (Batch.CancellationToken.IsCancellationRequested)
            {
                failed = ToolCallStatus.Cancelled;
            }
            else
            {
                failed = ToolCallStatus.TimedOut;
                error = new TimeoutException($"The call to '{Request.Name}' waited longer than {Timeout} for a permit of concurrency group '{group}'.", ex);
                message = $"Error: the call to '{Request.Name}' waited longer than its time limit for a permit of its concurrency group '{group}', so it did not run. Try again later.";
            }
        }
        catch (Exception ex)
        {
            failed = ToolCallStatus.Failed;
            error = ex;
            message = LimiterFailedMessage();
        }
        finally
        {
            Volatile.Write(ref _group!.PermitWait, null);
            wait.Dispose();
        }

        // The wait may have ended inside another call's release or someone's Cancel: go on from the pool, not from there.
        if (failed is { } status)
        {
            lease?.Dispose();
            _group!.Unrun = (status, error, message);
            Launch(CallStep.EndUnrun);
            return;
        }

        StoreLease(lease!);
        Batch.Observer.CallPermitted(Outcome, group);
        Launch(CallStep.Invoke);
    }

    private static TimeSpan? RetryAfter(RateLimitLease lease)
    {
        if (!lease.TryGetMetadata(MetadataName.RetryAfter.Name, out object? value))
        {
            return null;
        }

        TimeSpan? after = value switch
        {
            TimeSpan t => t,
            int seconds => TimeSpan.FromSeconds(seconds), // RedisRateLimiting reports whole seconds
            long seconds => TimeSpan.FromSeconds(seconds),
            double seconds => TimeSpan.FromSeconds(seconds),
            _ => null,
        };
        return after is { } a && a < MinimumRetryAfter ? MinimumRetryAfter : after;
    }
}
