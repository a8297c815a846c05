using System;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;
using static SemanticKernel.ParallelInvocation.Tests.Execution.ExecutorTestKit;

namespace SemanticKernel.ParallelInvocation.Tests.Execution;

/// <summary>
/// A call whose delivery the host must confirm (<see cref="ToolCallRequest.DeliveryGate"/>) waits for it before it is queued: the wait
/// is neither queue time nor run time, and it holds no concurrency slot. Times are exact on a <see cref="ManualTimeProvider"/>.
/// </summary>
public sealed class DeliveryGateTests
{
    private static ToolCallRequest Gated(string id, AIFunction function, Func<CancellationToken, ValueTask<bool>> gate) =>
        new(id, function.Name, null, function) { DeliveryGate = gate };

    [Fact]
    public async Task ExecuteAsync_GateOpensLate_WaitIsNotRunTimeAndHoldsNoSlot()
    {
        var clock = new ManualTimeProvider();
        var delivered = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        int otherRuns = 0;
        var options = new ParallelInvocationOptions { TimeProvider = clock, MaxDegreeOfParallelism = 1 }
            .Declare("save", FunctionEffects.Writing("doc"))
            .Declare("other", FunctionEffects.Writing("elsewhere"));
        var save = Fn("save", async _ => { started.SetResult(); await release.Task; return "saved"; });
        var other = Fn("other", _ => { Interlocked.Increment(ref otherRuns); return Task.FromResult<object?>("done"); });
        var otherDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var batch = new ToolCallBatch([Gated("s", save, _ => new ValueTask<bool>(delivered.Task)), Call("o", other)])
        {
            OnCallCompleted = o => { if (o.CallId == "o") { otherDone.SetResult(); } },
        };
        var run = new ParallelToolExecutor(options).ExecuteAsync(batch);

        // The gated call comes first, and only one call may run at a time: the other still runs (and is decided) while the gate is shut.
        await otherDone.Task.WaitAsync(SafetyNet);
        Assert.Equal(1, Volatile.Read(ref otherRuns));
        clock.Advance(TimeSpan.FromSeconds(5));
        Assert.False(started.Task.IsCompleted);
        delivered.SetResult(true);
        await started.Task.WaitAsync(SafetyNet);
        clock.Advance(TimeSpan.FromMilliseconds(300));
        release.SetResult();
        var report = await run.WaitAsync(SafetyNet);

        var gated = report.Calls[0];
        Assert.Equal(ToolCallStatus.Succeeded, gated.Status);
        Assert.Equal(TimeSpan.FromSeconds(5), gated.QueuedAt);
        Assert.Equal(TimeSpan.FromSeconds(5), gated.StartedAt);
        Assert.Equal(TimeSpan.Zero, gated.QueueTime);
        Assert.Equal(TimeSpan.FromMilliseconds(300), gated.RunTime);
        Assert.Equal(TimeSpan.FromMilliseconds(300), report.SequentialCost);
        Assert.Equal(TimeSpan.FromMilliseconds(300), report.CriticalPath);
        Assert.Equal(ToolCallStatus.Succeeded, report.Calls[1].Status);
        Assert.Equal(1, report.MaxInFlight);
    }

    [Fact]
    public async Task ExecuteAsync_GateSaysNotDelivered_RejectedWithoutRunningAndDependentReadStillRuns()
    {
        int saves = 0;
        var options = new ParallelInvocationOptions()
            .Declare("save", FunctionEffects.Writing("doc"))
            .Declare("load", FunctionEffects.Reading("doc"));
        var save = Fn("save", _ => { Interlocked.Increment(ref saves); return Task.FromResult<object?>(null); });
        var report = await Run(options, Gated("s", save, _ => new ValueTask<bool>(false)), Call("l", Returns("load", "v")));

        var gated = report.Calls[0];
        Assert.Equal(ToolCallStatus.Rejected, gated.Status);
        Assert.Equal("Error: the call to 'save' was rejected before it could run.", gated.ErrorMessage);
        Assert.Equal(0, Volatile.Read(ref saves));
        Assert.Equal(0, gated.Attempts);
        Assert.Null(gated.QueuedAt);
        Assert.Null(gated.StartedAt);
        Assert.Equal(ToolCallStatus.Succeeded, report.Calls[1].Status);
        Assert.Equal([0], report.Calls[1].Predecessors);
        Assert.Null(report.Calls[1].SkippedBecauseOf);
    }

    /// <summary>
    /// The gate is asked only once the call's predecessors are done: a "not delivered" answered at once must not release a later read
    /// while an earlier write it is ordered after (through the gated call) is still running.
    /// </summary>
    [Fact]
    public async Task ExecuteAsync_GatedCallBehindRunningWrite_GateAskedOnlyOnceReadyAndOrderKept()
    {
        int asked = 0;
        int loads = 0;
        bool firstDone = false;
        bool loadSawFirstDone = false;
        var firstStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var firstRelease = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var options = new ParallelInvocationOptions()
            .Declare("save", FunctionEffects.Writing("doc"))
            .Declare("load", FunctionEffects.Reading("doc"));
        var first = Fn("save", async _ => { firstStarted.SetResult(); await firstRelease.Task; Volatile.Write(ref firstDone, true); return null; });
        var load = Fn("load", _ =>
        {
            Volatile.Write(ref loadSawFirstDone, Volatile.Read(ref firstDone));
            Interlocked.Increment(ref loads);
            return Task.FromResult<object?>("v");
        });
        var run = new ParallelToolExecutor(options).ExecuteAsync(
        [
            Call("1", first),
            Gated("2", Returns("save", null), _ => { Interlocked.Increment(ref asked); return new ValueTask<bool>(false); }),
            Call("3", load),
        ]);

        await firstStarted.Task.WaitAsync(SafetyNet);
        await Task.Delay(20);
        Assert.Equal(0, Volatile.Read(ref asked));
        Assert.Equal(0, Volatile.Read(ref loads));
        firstRelease.SetResult();
        var report = await run.WaitAsync(SafetyNet);

        Assert.Equal(1, Volatile.Read(ref asked));
        Assert.Equal([ToolCallStatus.Succeeded, ToolCallStatus.Rejected, ToolCallStatus.Succeeded], Array.ConvertAll([.. report.Calls], c => c.Status));
        Assert.True(Volatile.Read(ref loadSawFirstDone));
    }

    [Fact]
    public async Task ExecuteAsync_GateThrows_RejectedWithTheException()
    {
        var options = new ParallelInvocationOptions().Declare("save", FunctionEffects.Writing("doc"));
        var report = await Run(options, Gated("s", Returns("save", null), _ => throw new InvalidOperationException("host lost track")));

        Assert.Equal(ToolCallStatus.Rejected, report.Calls[0].Status);
        Assert.IsType<InvalidOperationException>(report.Calls[0].Exception);
        Assert.Contains("delivery of the call to 'save' could not be confirmed", report.Calls[0].ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExecuteAsync_CallerCancelsWhileGateShut_CancelledEvenIfGateIgnoresToken()
    {
        using var cts = new CancellationTokenSource();
        var asked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var never = new TaskCompletionSource<bool>();
        int saves = 0;
        var options = new ParallelInvocationOptions()
            .Declare("save", FunctionEffects.Writing("doc"))
            .Declare("load", FunctionEffects.Reading("doc"));
        var save = Fn("save", _ => { Interlocked.Increment(ref saves); return Task.FromResult<object?>(null); });
        var run = new ParallelToolExecutor(options).ExecuteAsync(
            [Gated("s", save, _ => { asked.SetResult(); return new ValueTask<bool>(never.Task); }), Call("l", Returns("load", "v"))],
            cts.Token);

        await asked.Task.WaitAsync(SafetyNet);
        cts.Cancel();
        var report = await run.WaitAsync(SafetyNet);

        Assert.Equal(ToolCallStatus.Cancelled, report.Calls[0].Status);
        Assert.IsAssignableFrom<OperationCanceledException>(report.Calls[0].Exception);
        Assert.Null(report.Calls[0].StartedAt);
        Assert.Equal(ToolCallStatus.Cancelled, report.Calls[1].Status);
        Assert.Equal(0, Volatile.Read(ref saves));
    }

    [Fact]
    public async Task ExecuteAsync_GatedCallNeedingApproval_GateAskedOnlyAfterApproval()
    {
        var approval = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        int asked = 0;
        var options = new ParallelInvocationOptions { ApprovalHandler = (_, _) => new ValueTask<bool>(approval.Task) }
            .Declare("save", FunctionEffects.Writing("doc").RequiringApproval());
        var run = new ParallelToolExecutor(options).ExecuteAsync(
            [Gated("s", Returns("save", "saved"), _ => { Interlocked.Increment(ref asked); return new ValueTask<bool>(true); })]);

        await Task.Delay(20);
        Assert.Equal(0, Volatile.Read(ref asked));
        approval.SetResult(true);
        var report = await run.WaitAsync(SafetyNet);

        Assert.Equal(1, Volatile.Read(ref asked));
        Assert.Equal(ToolCallStatus.Succeeded, report.Calls[0].Status);
        Assert.Equal("saved", report.Calls[0].Result?.ToString());
    }
}
