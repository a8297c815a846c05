using System;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;
using static SemanticKernel.ParallelInvocation.Tests.Execution.ExecutorTestKit;

namespace SemanticKernel.ParallelInvocation.Tests.Execution;

/// <summary>
/// Attempts abandoned at their timeout (functions that ignore cancellation): a retry never overlaps them, and a write whose attempt
/// was abandoned is reported as "effect in doubt", in its outcome and in the text the model gets. Times run on a manual clock.
/// </summary>
public sealed class AbandonedAttemptTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromMilliseconds(100);

    /// <summary>One key, and a <c>set</c> whose first attempt hangs (ignoring its token) until <see cref="ReleaseFirst"/>.</summary>
    private sealed class Store
    {
        private readonly object _gate = new();
        private readonly TaskCompletionSource _first = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _attempts;
        private int _running;
        private int _maxRunning;

        public string? X { get; private set; }

        public int Attempts => Volatile.Read(ref _attempts);

        public int MaxOverlap => Volatile.Read(ref _maxRunning);

        public TaskCompletionSource FirstStarted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void ReleaseFirst() => _first.SetResult();

        public AIFunction Set() => AIFunctionFactory.Create(async (string value) =>
        {
            int attempt = Interlocked.Increment(ref _attempts);
            int running = Interlocked.Increment(ref _running);
            InterlockedMax(ref _maxRunning, running);
            if (attempt == 1)
            {
                FirstStarted.SetResult();
                await _first.Task; // ignores cancellation
            }

            lock (_gate)
            {
                X = value;
            }

            Interlocked.Decrement(ref _running);
            return "set " + value;
        }, "set");

        private static void InterlockedMax(ref int target, int value)
        {
            int seen;
            while (value > (seen = Volatile.Read(ref target)) && Interlocked.CompareExchange(ref target, value, seen) != seen)
            {
            }
        }
    }

    private static ParallelInvocationOptions Options(ManualTimeProvider clock, int retries) =>
        new ParallelInvocationOptions { TimeProvider = clock, MaxRetryAttempts = retries }
            .Declare("set", FunctionEffects.Writing("x").AsIdempotent().WithTimeout(Limit))
            .Declare("read", FunctionEffects.Reading("x").WithTimeout(Limit));

    /// <summary>
    /// Runs set(x, A) — whose first attempt ignores its timeout, with 1 retry — then set(x, B) (the sequential run leaves B), and
    /// moves the clock past the timeout: the first attempt is abandoned and its retry waits for it, with a time limit of its own.
    /// </summary>
    private static async Task<Task<BatchReport>> AbandonFirstAttemptOfSetAThenSetBAsync(ManualTimeProvider clock, Store store)
    {
        var set = store.Set();
        var run = new ParallelToolExecutor(Options(clock, retries: 1)).ExecuteAsync(
            [Call("a", set, new() { ["value"] = "A" }), Call("b", set, new() { ["value"] = "B" })]);
        await store.FirstStarted.Task.WaitAsync(SafetyNet);
        clock.Advance(Limit);
        await Eventually(() => clock.PendingTimers == 1);
        return run;
    }

    [Fact]
    public async Task ExecuteAsync_RetryOfAnAbandonedAttempt_WaitsForItToEndAndNeverOverlapsIt()
    {
        var clock = new ManualTimeProvider();
        var store = new Store();
        var run = await AbandonFirstAttemptOfSetAThenSetBAsync(clock, store);
        Assert.Equal(1, store.Attempts);
        store.ReleaseFirst();
        var report = await run.WaitAsync(SafetyNet);

        Assert.Equal(1, store.MaxOverlap);
        Assert.Equal("B", store.X);
        var first = report.Calls[0];
        Assert.Equal(ToolCallStatus.Succeeded, first.Status);
        Assert.Equal(2, first.Attempts);
        Assert.True(first.Abandoned);
        Assert.False(first.EffectInDoubt); // the abandoned attempt ended and the retry ran to completion
        Assert.Equal(ToolCallStatus.Succeeded, report.Calls[1].Status);
        Assert.Equal(3, store.Attempts);
    }

    [Fact]
    public async Task ExecuteAsync_AbandonedWriteThatNeverEnds_TimedOutWithItsEffectInDoubtAndLaterWriteSkipped()
    {
        var clock = new ManualTimeProvider();
        var store = new Store();
        var run = await AbandonFirstAttemptOfSetAThenSetBAsync(clock, store);
        clock.Advance(Limit); // the retry gives up waiting for the abandoned attempt
        var report = await run.WaitAsync(SafetyNet);

        var first = report.Calls[0];
        Assert.Equal(ToolCallStatus.TimedOut, first.Status);
        Assert.Equal(1, first.Attempts);
        Assert.True(first.Abandoned);
        Assert.True(first.EffectInDoubt);
        Assert.Contains("its effect is in doubt", first.ErrorMessage, StringComparison.Ordinal);
        Assert.Contains("its effect is in doubt", first.ToResultContent().Result?.ToString(), StringComparison.Ordinal);
        Assert.Equal(ToolCallStatus.Skipped, report.Calls[1].Status);
        Assert.Equal(0, report.Calls[1].SkippedBecauseOf);
        Assert.Equal(1, store.Attempts);
        Assert.Null(first.WorkEndedAt);

        store.ReleaseFirst();
        await report.AbandonedWorkEnded.WaitAsync(SafetyNet);
        Assert.Equal(Limit * 2, first.WorkEndedAt);
        Assert.Equal("A", store.X); // the late effect the outcome warned about
    }

    [Fact]
    public async Task ExecuteAsync_AbandonedRead_TimedOutAbandonedButNotInDoubt()
    {
        var clock = new ManualTimeProvider();
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var never = new TaskCompletionSource<object?>();
        var read = Fn("read", _ => { started.SetResult(); return never.Task; });
        var run = new ParallelToolExecutor(Options(clock, retries: 0)).ExecuteAsync([Call("r", read)]);

        await started.Task.WaitAsync(SafetyNet);
        clock.Advance(Limit);
        var report = await run.WaitAsync(SafetyNet);

        Assert.Equal(ToolCallStatus.TimedOut, report.Calls[0].Status);
        Assert.True(report.Calls[0].Abandoned);
        Assert.False(report.Calls[0].EffectInDoubt);
        Assert.Equal("Error: the call to 'read' did not finish in time and was abandoned.", report.Calls[0].ErrorMessage);
    }

    [Fact]
    public async Task ExecuteAsync_ToolHonoursItsToken_TimedOutNotAbandoned()
    {
        var clock = new ManualTimeProvider();
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        // The tool is waiting on its token before the clock moves: it reacts to the timeout, so it is stopped, not abandoned. It says
        // so once its body has returned its task (suspended on the wait), not from inside it: a token firing while the function is
        // still being invoked leaves its thread only a grace period to hand its return over, which a loaded machine may exceed.
        static async Task<object?> WaitOn(CancellationToken ct)
        {
            await Task.Delay(Timeout.Infinite, ct);
            return null;
        }

        var set = Fn("set", ct => { var waiting = WaitOn(ct); started.SetResult(); return waiting; });
        var run = new ParallelToolExecutor(Options(clock, retries: 0)).ExecuteAsync([Call("s", set)]);

        await started.Task.WaitAsync(SafetyNet);
        clock.Advance(Limit);
        var report = await run.WaitAsync(SafetyNet);

        Assert.Equal(ToolCallStatus.TimedOut, report.Calls[0].Status);
        Assert.False(report.Calls[0].Abandoned);
        Assert.False(report.Calls[0].EffectInDoubt);
        Assert.Equal(Limit, report.Calls[0].WorkEndedAt);
        Assert.Equal("Error: the call to 'set' did not finish in time and was stopped.", report.Calls[0].ErrorMessage);
    }

    [Fact]
    public async Task ExecuteAsync_CallerCancelsAWriteThatIgnoresIt_CancelledWithItsEffectInDoubt()
    {
        using var cts = new CancellationTokenSource();
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var never = new TaskCompletionSource<object?>();
        var options = new ParallelInvocationOptions().Declare("set", FunctionEffects.Writing("x"));
        var run = new ParallelToolExecutor(options).ExecuteAsync([Call("s", Fn("set", _ => { started.SetResult(); return never.Task; }))], cts.Token);

        await started.Task.WaitAsync(SafetyNet);
        cts.Cancel();
        var report = await run.WaitAsync(SafetyNet);

        Assert.Equal(ToolCallStatus.Cancelled, report.Calls[0].Status);
        Assert.True(report.Calls[0].Abandoned);
        Assert.True(report.Calls[0].EffectInDoubt);
        Assert.Contains("its effect is in doubt", report.Calls[0].ErrorMessage, StringComparison.Ordinal);
    }
}
