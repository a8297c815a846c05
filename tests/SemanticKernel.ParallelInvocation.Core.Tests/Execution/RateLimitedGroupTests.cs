using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.RateLimiting;
using System.Threading.Tasks;
using static SemanticKernel.ParallelInvocation.Tests.Execution.ExecutorTestKit;

namespace SemanticKernel.ParallelInvocation.Tests.Execution;

/// <summary>
/// Groups backed by a <see cref="RateLimiter"/>: calls wait in its queue (their queue time), under their timeout and the caller's
/// cancellation. Pacing is shown on a <see cref="ManualTimeProvider"/> that drives the token bucket's replenishment.
/// </summary>
public sealed class RateLimitedGroupTests
{
    private static TokenBucketRateLimiter Bucket(int tokens, int queue = 100) => new(new TokenBucketRateLimiterOptions
    {
        TokenLimit = tokens,
        TokensPerPeriod = tokens,
        ReplenishmentPeriod = TimeSpan.FromSeconds(1),
        AutoReplenishment = false,
        QueueLimit = queue,
        QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
    });

    private static ParallelInvocationOptions Options(RateLimiter limiter, ManualTimeProvider clock, TimeSpan? timeout = null) =>
        new ParallelInvocationOptions { TimeProvider = clock, DefaultTimeout = timeout }
            .AddConcurrencyGroup("bucket", limiter)
            .Declare("api_call", FunctionEffects.Pure.InConcurrencyGroup("bucket"))
            .Declare("write", FunctionEffects.Writing("doc").InConcurrencyGroup("bucket"))
            .Declare("read", FunctionEffects.Reading("{key}"));

    [Fact]
    public async Task ExecuteAsync_TokenBucketTwoPerSecond_SixCallsStartTwoPerSecondAndWaitInTheQueue()
    {
        var clock = new ManualTimeProvider();
        using var bucket = new ClockedTokenBucket(clock, tokensPerPeriod: 2, TimeSpan.FromSeconds(1));
        int done = 0;
        var batch = new ToolCallBatch(Enumerable.Range(0, 6).Select(i => Call($"c{i}", Returns("api_call", i))).ToArray())
        {
            OnCallCompleted = _ => Interlocked.Increment(ref done),
        };
        var run = new ParallelToolExecutor(Options(bucket, clock)).ExecuteAsync(batch);

        // Each second: the calls that had tokens are done, the rest wait in the bucket's queue; then the clock moves on.
        for (int second = 1; second <= 2; second++)
        {
            int expectedDone = 2 * second;
            await Eventually(() => Volatile.Read(ref done) == expectedDone && bucket.Queued == 6 - expectedDone);
            clock.Advance(TimeSpan.FromSeconds(1));
        }

        var report = await run.WaitAsync(SafetyNet);

        Assert.All(report.Calls, c => Assert.Equal(ToolCallStatus.Succeeded, c.Status));
        Assert.Equal([0, 0, 1, 1, 2, 2], report.Calls.Select(c => (int)c.StartedAt!.Value.TotalSeconds).Order());
        Assert.Equal([0, 0, 1, 1, 2, 2], report.Calls.Select(c => (int)c.QueueTime.TotalSeconds).Order());
        Assert.Equal(TimeSpan.FromSeconds(2), report.Makespan);
    }

    [Fact]
    public async Task ExecuteAsync_WaitForPermitLongerThanTimeout_TimedOutWithoutRunning()
    {
        var clock = new ManualTimeProvider();
        using var bucket = Bucket(tokens: 1);
        int runs = 0;
        var tool = Fn("api_call", _ => { Interlocked.Increment(ref runs); return Task.FromResult<object?>("ok"); });
        int decided = 0;
        var batch = new ToolCallBatch([Call("1", tool), Call("2", tool)]) { OnCallCompleted = _ => Interlocked.Increment(ref decided) };
        var run = new ParallelToolExecutor(Options(bucket, clock, timeout: TimeSpan.FromSeconds(5))).ExecuteAsync(batch);

        await Eventually(() => Volatile.Read(ref decided) == 1 && bucket.GetStatistics()!.CurrentQueuedCount == 1);
        clock.Advance(TimeSpan.FromSeconds(5));
        var report = await run.WaitAsync(SafetyNet);

        var waited = report.Calls.Single(c => c.Status != ToolCallStatus.Succeeded);
        Assert.Equal(ToolCallStatus.TimedOut, waited.Status);
        Assert.Equal(0, waited.Attempts);
        Assert.Null(waited.StartedAt);
        Assert.False(waited.Abandoned);
        Assert.IsType<TimeoutException>(waited.Exception);
        Assert.Contains("waited longer than its time limit for a permit of its concurrency group 'bucket'", waited.ErrorMessage, StringComparison.Ordinal);
        Assert.Equal(1, Volatile.Read(ref runs));
    }

    [Fact]
    public async Task ExecuteAsync_CallerCancelsWhileCallWaitsForPermit_CancelledWithoutRunning()
    {
        var clock = new ManualTimeProvider();
        using var bucket = Bucket(tokens: 1);
        using var cts = new CancellationTokenSource();
        int runs = 0;
        var tool = Fn("api_call", _ => { Interlocked.Increment(ref runs); return Task.FromResult<object?>("ok"); });
        var run = new ParallelToolExecutor(Options(bucket, clock)).ExecuteAsync([Call("1", tool), Call("2", tool)], cts.Token);

        await Eventually(() => Volatile.Read(ref runs) == 1 && bucket.GetStatistics()!.CurrentQueuedCount == 1);
        cts.Cancel();
        var report = await run.WaitAsync(SafetyNet);

        var waited = report.Calls.Single(c => c.Status != ToolCallStatus.Succeeded);
        Assert.Equal(ToolCallStatus.Cancelled, waited.Status);
        Assert.Null(waited.StartedAt);
        Assert.Equal(0, bucket.GetStatistics()!.CurrentQueuedCount);
        Assert.Equal(1, Volatile.Read(ref runs));
    }

    [Fact]
    public async Task ExecuteAsync_LimiterRefusesWithRetryAfter_AskedAgainThenAndRuns()
    {
        // Stands for limiters that never queue (Redis-backed ones, a token bucket with no queue): refused twice, told to come back.
        var clock = new ManualTimeProvider();
        var limiter = new RefusingLimiter(refusals: 2, retryAfter: TimeSpan.FromMilliseconds(500));
        var run = new ParallelToolExecutor(Options(limiter, clock)).ExecuteAsync([Call("1", Returns("api_call", "ok"))]);

        for (int asked = 1; asked <= 2; asked++)
        {
            int expected = asked;
            await Eventually(() => limiter.Asked == expected && clock.PendingTimers == 1);
            clock.Advance(TimeSpan.FromMilliseconds(500));
        }

        var report = await run.WaitAsync(SafetyNet);

        Assert.Equal(ToolCallStatus.Succeeded, report.Calls[0].Status);
        Assert.Equal(3, limiter.Asked);
        Assert.Equal(TimeSpan.FromSeconds(1), report.Calls[0].StartedAt);
        Assert.Equal(TimeSpan.FromSeconds(1), report.Calls[0].QueueTime);
        Assert.Equal(0, limiter.Held);
    }

    [Fact]
    public async Task ExecuteAsync_LimiterRefusesWithoutHint_FailedWithoutRunning()
    {
        var limiter = new RefusingLimiter(refusals: int.MaxValue, retryAfter: null);
        int runs = 0;
        var tool = Fn("api_call", _ => { Interlocked.Increment(ref runs); return Task.FromResult<object?>("ok"); });
        var report = await Run(Options(limiter, new ManualTimeProvider()), Call("1", tool));

        Assert.Equal(ToolCallStatus.Failed, report.Calls[0].Status);
        Assert.Equal(0, report.Calls[0].Attempts);
        Assert.Contains("refused it a permit", report.Calls[0].ErrorMessage, StringComparison.Ordinal);
        Assert.Equal(0, runs);
    }

    [Fact]
    public async Task ExecuteAsync_LimiterThrows_FailedWithTheExceptionOthersRun()
    {
        var limiter = new RefusingLimiter(refusals: 0, retryAfter: null) { Throws = new InvalidOperationException("limiter down") };
        var read = Microsoft.Extensions.AI.AIFunctionFactory.Create((string key) => key, "read");
        var report = await Run(Options(limiter, new ManualTimeProvider()), Call("1", Returns("api_call", 1)), Call("2", read, new() { ["key"] = "x" }));

        Assert.Equal(ToolCallStatus.Failed, report.Calls[0].Status);
        Assert.Equal("limiter down", report.Calls[0].Exception?.Message);
        Assert.Equal(ToolCallStatus.Succeeded, report.Calls[1].Status);
    }

    [Fact]
    public async Task ExecuteAsync_WriteWaitsForPermit_ConflictingReadWaitsForItOthersDoNot()
    {
        using var limiter = new ConcurrencyLimiter(new ConcurrencyLimiterOptions { PermitLimit = 1, QueueLimit = 10 });
        var held = limiter.AttemptAcquire(1); // someone else holds the only permit
        Assert.True(held.IsAcquired);
        var order = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var write = Fn("write", _ => { order.Enqueue("write"); return Task.FromResult<object?>("written"); });
        var read = Microsoft.Extensions.AI.AIFunctionFactory.Create((string key) => { order.Enqueue("read " + key); return key; }, "read");
        var run = new ParallelToolExecutor(Options(limiter, new ManualTimeProvider())).ExecuteAsync(
            [Call("w", write), Call("r1", read, new() { ["key"] = "doc" }), Call("r2", read, new() { ["key"] = "other" })]);

        // The write waits for a permit; the read of another key runs meanwhile; the read of the written key waits behind the write.
        await Eventually(() => order.Contains("read other") && limiter.GetStatistics()!.CurrentQueuedCount == 1);
        Assert.DoesNotContain("read doc", order);
        held.Dispose();
        var report = await run.WaitAsync(SafetyNet);

        Assert.Equal(["read other", "write", "read doc"], order);
        Assert.All(report.Calls, c => Assert.Equal(ToolCallStatus.Succeeded, c.Status));
        Assert.Equal(1, limiter.GetStatistics()!.CurrentAvailablePermits);
    }

    /// <summary>A limiter that never queues: it refuses the first <c>refusals</c> requests, with an optional retry-after hint, then grants.</summary>
    private sealed class RefusingLimiter(int refusals, TimeSpan? retryAfter) : RateLimiter
    {
        private int _asked;
        private int _held;

        public int Asked => Volatile.Read(ref _asked);

        public int Held => Volatile.Read(ref _held);

        public Exception? Throws { get; init; }

        public override TimeSpan? IdleDuration => null;

        public override RateLimiterStatistics? GetStatistics() => null;

        protected override RateLimitLease AttemptAcquireCore(int permitCount) => new Lease(this, false, null); // like Redis: never synchronously

        protected override ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken)
        {
            if (Throws is { } ex)
            {
                throw ex;
            }

            bool granted = Interlocked.Increment(ref _asked) > refusals;
            if (granted)
            {
                Interlocked.Increment(ref _held);
            }

            return ValueTask.FromResult<RateLimitLease>(new Lease(this, granted, granted ? null : retryAfter));
        }

        private sealed class Lease(RefusingLimiter owner, bool acquired, TimeSpan? retryAfter) : RateLimitLease
        {
            public override bool IsAcquired => acquired;

            public override IEnumerable<string> MetadataNames => retryAfter is null ? [] : [MetadataName.RetryAfter.Name];

            public override bool TryGetMetadata(string metadataName, out object? metadata)
            {
                metadata = retryAfter;
                return retryAfter is not null && metadataName == MetadataName.RetryAfter.Name;
            }

            protected override void Dispose(bool disposing)
            {
                if (acquired)
                {
                    Interlocked.Decrement(ref owner._held);
                }
            }
        }
    }
}
