using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;
using static SemanticKernel.ParallelInvocation.Tests.Execution.ExecutorTestKit;

namespace SemanticKernel.ParallelInvocation.Tests.Execution;

/// <summary>
/// A concurrency group stands for a shared resource, so its limit holds across every batch and executor of the process. Proven with a
/// max-in-flight counter while the tools' gate is shut and the group's queue holds every other call: nothing here depends on timing.
/// </summary>
public sealed class ProcessWideGroupTests
{
    private static string UniqueGroup() => "group-" + Guid.NewGuid().ToString("N");

    private static ParallelInvocationOptions Options(string group, int limit) =>
        new ParallelInvocationOptions().AddConcurrencyGroup(group, limit).Declare("api_call", FunctionEffects.Pure.InConcurrencyGroup(group));

    private static int Queued(ParallelToolExecutor executor, string group) => (int)executor.GroupLimiters[group].GetStatistics()!.CurrentQueuedCount;

    [Fact]
    public async Task ExecuteAsync_ThreeConcurrentBatchesOnTwoExecutors_NeverMoreInFlightThanTheGroupLimit()
    {
        string group = UniqueGroup();
        var gauge = new Gauge();
        var tool = gauge.Tool("api_call");
        var first = new ParallelToolExecutor(Options(group, 2));
        var second = new ParallelToolExecutor(Options(group, 2)); // another executor of the process: the same group, the same limit
        var runs = new[] { first, first, second }
            .Select((executor, b) => executor.ExecuteAsync(Enumerable.Range(0, 3).Select(i => Call($"b{b}c{i}", tool)).ToArray()))
            .ToArray();

        // 9 calls, 2 in flight, the other 7 queued for the group's permit: while the gate is shut nothing else can start.
        await Eventually(() => gauge.Now == 2 && Queued(first, group) == 7);
        Assert.Equal(2, gauge.Entered);
        gauge.Gate.SetResult();
        var reports = await Task.WhenAll(runs).WaitAsync(SafetyNet);

        Assert.Equal(2, gauge.Max);
        Assert.Equal(9, gauge.Entered);
        Assert.All(reports.SelectMany(r => r.Calls), c => Assert.Equal(ToolCallStatus.Succeeded, c.Status));
    }

    [Fact]
    public async Task ExecuteAsync_ManyConcurrentBatches_LimitHoldsAndEveryCallRuns()
    {
        string group = UniqueGroup();
        var gauge = new Gauge();
        var executor = new ParallelToolExecutor(Options(group, 3));
        var tool = gauge.Tool("api_call");
        var runs = Enumerable.Range(0, 200).Select(b => executor.ExecuteAsync([Call($"b{b}a", tool), Call($"b{b}b", tool)])).ToArray();

        await Eventually(() => gauge.Now == 3 && Queued(executor, group) == 397);
        gauge.Gate.SetResult();
        await Task.WhenAll(runs).WaitAsync(SafetyNet);

        Assert.Equal(3, gauge.Max);
        Assert.Equal(400, gauge.Entered);
    }

    [Fact]
    public void Constructor_SameGroupWithAnotherLimit_ConfigurationErrorNamingBothLimits()
    {
        string group = UniqueGroup();
        _ = new ParallelToolExecutor(Options(group, 2));

        var error = Assert.Throws<ParallelInvocationConfigurationException>(() => new ParallelToolExecutor(Options(group, 5)));

        var message = Assert.Single(error.Errors);
        Assert.Contains($"'{group}' is given the limit 5", message, StringComparison.Ordinal);
        Assert.Contains("already has it with the limit 2", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExecuteAsync_CallAbandonedAtItsTimeout_KeepsItsSlotUntilItsFunctionReallyEnds()
    {
        string group = UniqueGroup();
        var clock = new ManualTimeProvider();
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource<object?>(TaskCreationOptions.RunContinuationsAsynchronously);
        int nextRuns = 0;
        var options = new ParallelInvocationOptions { TimeProvider = clock }
            .AddConcurrencyGroup(group, 1)
            .Declare("stubborn", FunctionEffects.Pure.InConcurrencyGroup(group).WithTimeout(TimeSpan.FromSeconds(1)))
            .Declare("next", FunctionEffects.Pure.InConcurrencyGroup(group));
        var stubborn = Fn("stubborn", _ => { started.TrySetResult(); return release.Task; }); // ignores its token
        var next = Fn("next", _ => { Interlocked.Increment(ref nextRuns); return Task.FromResult<object?>("ran"); });
        var executor = new ParallelToolExecutor(options);

        var first = executor.ExecuteAsync([Call("s", stubborn)]);
        await started.Task.WaitAsync(SafetyNet);
        var second = executor.ExecuteAsync([Call("n", next)]);
        await Eventually(() => Queued(executor, group) == 1);
        clock.Advance(TimeSpan.FromSeconds(1));
        var report = await first.WaitAsync(SafetyNet);

        var abandoned = report.Calls[0];
        Assert.Equal(ToolCallStatus.TimedOut, abandoned.Status);
        Assert.True(abandoned.Abandoned);
        Assert.False(abandoned.EffectInDoubt); // pure: nothing to doubt
        Assert.Null(abandoned.WorkEndedAt);
        Assert.False(report.AbandonedWorkEnded.IsCompleted);
        Assert.Contains("abandoned, still running", report.ToTimeline(), StringComparison.Ordinal);

        // The abandoned function still runs, so it still holds the group's only slot: the other batch's call keeps waiting.
        Assert.Equal(1, Queued(executor, group));
        Assert.Equal(0, Volatile.Read(ref nextRuns));
        Assert.False(second.IsCompleted);

        clock.Advance(TimeSpan.FromSeconds(2));
        release.SetResult("late");
        await report.AbandonedWorkEnded.WaitAsync(SafetyNet);
        var after = await second.WaitAsync(SafetyNet);

        Assert.Equal(TimeSpan.FromSeconds(3), abandoned.WorkEndedAt);
        Assert.Equal(TimeSpan.FromSeconds(3), abandoned.SlotHeldFor);
        Assert.Equal(ToolCallStatus.Succeeded, after.Calls[0].Status);
        Assert.Equal(TimeSpan.FromSeconds(3), after.Calls[0].QueueTime);
    }

    [Fact]
    public async Task ExecuteAsync_NoAbandonedCall_AbandonedWorkAlreadyEnded()
    {
        var options = new ParallelInvocationOptions { TimeProvider = new ManualTimeProvider() }.Declare("f", FunctionEffects.Pure);
        var report = await Run(options, Call("1", Returns("f", 1)));
        Assert.True(report.AbandonedWorkEnded.IsCompletedSuccessfully);
        Assert.False(report.Calls[0].Abandoned);
        Assert.Equal(report.Calls[0].RunTime, report.Calls[0].SlotHeldFor);
    }
}
