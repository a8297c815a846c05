using System;
using System.Threading;
using System.Threading.Tasks;
using SemanticKernel.ParallelInvocation.Execution;
using static SemanticKernel.ParallelInvocation.Tests.Execution.ExecutorTestKit;

namespace SemanticKernel.ParallelInvocation.Tests.Execution;

/// <summary>
/// <see cref="DeferredRun"/>: a host invoker that returns no task for a call (the Semantic Kernel adapter's calls that wait for their
/// delivery) and ends it later. The call is pending until then, ends with what the host gives, and what is ordered after it starts only
/// then; a run that could be abandoned (a cancellable token) cannot be deferred.
/// </summary>
public sealed class DeferredRunTests
{
    private static ParallelInvocationOptions Options() =>
        new ParallelInvocationOptions { RunReadyCallsOnCallingThread = true }
            .Declare("write", FunctionEffects.Writing("doc"))
            .Declare("read", FunctionEffects.Reading("doc"));

    /// <summary>A call whose invoker defers its run and hands the run to <paramref name="deferred"/>.</summary>
    private static ToolCallRequest Deferring(string id, string name, TaskCompletionSource<DeferredRun> deferred) =>
        new(id, name, null, Returns(name, "never invoked"))
        {
            Invoker = (_, _) =>
            {
                var pending = DeferredRun.Defer(out var run);
                deferred.SetResult(run);
                return pending;
            },
        };

    [Fact]
    public async Task EndedFromAnotherThread_TheCallEndsWithTheHostsResult_AndItsSuccessorStartsOnlyThen()
    {
        var deferred = new TaskCompletionSource<DeferredRun>(TaskCreationOptions.RunContinuationsAsynchronously);
        var readRan = 0;
        var run = new ParallelToolExecutor(Options()).ExecuteAsync(
        [
            Deferring("0", "write", deferred),
            Call("1", Fn("read", _ => { Interlocked.Increment(ref readRan); return Task.FromResult<object?>("read"); })),
        ]);

        var handle = await deferred.Task.WaitAsync(SafetyNet);
        Assert.False(run.IsCompleted);
        Assert.Equal(0, Volatile.Read(ref readRan)); // ordered after the write, which has not ended

        await Task.Run(() => handle.End("written", null)).WaitAsync(SafetyNet);
        var report = await run.WaitAsync(SafetyNet);

        Assert.Equal(ToolCallStatus.Succeeded, report.Calls[0].Status);
        Assert.Equal("written", report.Calls[0].Result);
        Assert.Equal(ToolCallStatus.Succeeded, report.Calls[1].Status);
        Assert.True(report.Calls[1].StartedAt >= report.Calls[0].FinishedAt);
        Assert.Equal(1, readRan);
    }

    [Fact]
    public async Task EndedWithAnException_TheCallFailsWithIt_AndTheReadOrderedAfterTheFailedWriteIsSkipped()
    {
        var deferred = new TaskCompletionSource<DeferredRun>(TaskCreationOptions.RunContinuationsAsynchronously);
        var run = new ParallelToolExecutor(Options()).ExecuteAsync(
        [
            Deferring("0", "write", deferred),
            Call("1", Returns("read", "read")),
        ]);

        var error = new InvalidOperationException("the host's run failed");
        (await deferred.Task.WaitAsync(SafetyNet)).End(null, error);
        var report = await run.WaitAsync(SafetyNet);

        Assert.Equal(ToolCallStatus.Failed, report.Calls[0].Status);
        Assert.Same(error, report.Calls[0].Exception);
        Assert.Equal(ToolCallStatus.Skipped, report.Calls[1].Status);
        Assert.Equal(0, report.Calls[1].SkippedBecauseOf);
    }

    [Fact]
    public async Task WithACancellableToken_DeferringFailsTheCallClearly_AndTheOthersStillRun()
    {
        using var cts = new CancellationTokenSource();
        var deferred = new TaskCompletionSource<DeferredRun>(TaskCreationOptions.RunContinuationsAsynchronously);
        var report = await new ParallelToolExecutor(Options()).ExecuteAsync(
        [
            Deferring("0", "write", deferred),
            Call("1", Returns("read", "read")),
        ], cts.Token).WaitAsync(SafetyNet);

        Assert.False(deferred.Task.IsCompleted);
        Assert.Equal(ToolCallStatus.Failed, report.Calls[0].Status);
        Assert.IsType<InvalidOperationException>(report.Calls[0].Exception);
        Assert.Contains("cannot be cancelled", report.Calls[0].Exception!.Message, StringComparison.Ordinal);
        Assert.Equal(ToolCallStatus.Skipped, report.Calls[1].Status); // ordered after the failed write
    }

    [Fact]
    public void OutsideAnInvokerTheEngineRuns_DeferringThrows() =>
        Assert.Throws<InvalidOperationException>(() => DeferredRun.Defer(out _));
}
