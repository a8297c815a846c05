using System;
using System.Threading;
using System.Threading.Tasks;
using static SemanticKernel.ParallelInvocation.Tests.Execution.ExecutorTestKit;

namespace SemanticKernel.ParallelInvocation.Tests.Execution;

/// <summary>
/// <see cref="ParallelInvocationOptions.RunReadyCallsOnCallingThread"/>: ready calls start on the calling thread, without a
/// <see cref="SynchronizationContext"/> only, in their own copy of the execution context, and a blocked caller never holds up the others.
/// </summary>
public sealed class CallingThreadTests
{
    private static readonly AsyncLocal<string?> Ambient = new();

    private static ParallelInvocationOptions Options(bool inline) =>
        new ParallelInvocationOptions { RunReadyCallsOnCallingThread = inline }.Declare("f", FunctionEffects.Pure).Declare("releaser", FunctionEffects.Pure);

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ExecuteAsync_FromAThreadWithoutContext_OneCallRunsInsideTheCallOnlyWhenAskedAndCannotChangeTheCallersAsyncLocals(bool inline)
    {
        var (ranInsideTheCall, callerAmbient) = await Task.Run(async () =>
        {
            int caller = Environment.CurrentManagedThreadId;
            bool inside = true, ranInside = false;
            Ambient.Value = "caller";
            var run = new ParallelToolExecutor(Options(inline)).ExecuteAsync(
            [
                Call("1", Fn("f", _ =>
                {
                    ranInside = Volatile.Read(ref inside) && Environment.CurrentManagedThreadId == caller;
                    Ambient.Value = "changed by the tool";
                    return Task.FromResult<object?>(Ambient.Value);
                })),
            ]);
            Volatile.Write(ref inside, false);
            string? after = Ambient.Value; // on this thread, right after ExecuteAsync returned
            await run.WaitAsync(SafetyNet);
            return (ranInside, after);
        });

        Assert.Equal(inline, ranInsideTheCall);
        Assert.Equal("caller", callerAmbient);
    }

    [Fact]
    public async Task ExecuteAsync_InlineCallBlocksSynchronously_TheOtherCallsStillRun()
    {
        // The first call blocks its thread (the caller's) until the second runs: the second must already be on the pool.
        using var gate = new ManualResetEventSlim();
        var blocker = Fn("f", _ => { Assert.True(gate.Wait(SafetyNet)); return Task.FromResult<object?>("unblocked"); });
        var releaser = Fn("releaser", _ => { gate.Set(); return Task.FromResult<object?>("released"); });
        var report = await Task.Run(() => new ParallelToolExecutor(Options(inline: true)).ExecuteAsync([Call("1", blocker), Call("2", releaser)])).WaitAsync(SafetyNet);

        Assert.All(report.Calls, c => Assert.Equal(ToolCallStatus.Succeeded, c.Status));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ExecuteAsync_CallerHasASynchronizationContext_NoCallRunsOnItsThreadOrContext(bool inline)
    {
        var context = new RecordingContext();
        int callerThread = -1;
        bool inside = false, ranInsideTheCall = false;
        var tool = Fn("f", _ =>
        {
            ranInsideTheCall |= Volatile.Read(ref inside) && Environment.CurrentManagedThreadId == callerThread;
            return Task.FromResult<object?>(SynchronizationContext.Current is RecordingContext);
        });
        var report = await Task.Run(() =>
        {
            SynchronizationContext.SetSynchronizationContext(context);
            try
            {
                callerThread = Environment.CurrentManagedThreadId;
                Volatile.Write(ref inside, true);
                var run = new ParallelToolExecutor(Options(inline)).ExecuteAsync([Call("1", tool), Call("2", tool)]);
                Volatile.Write(ref inside, false);
                return run;
            }
            finally
            {
                SynchronizationContext.SetSynchronizationContext(null);
            }
        }).WaitAsync(SafetyNet);

        Assert.All(report.Calls, c => Assert.False(((System.Text.Json.JsonElement)c.Result!).GetBoolean()));
        Assert.False(ranInsideTheCall);
    }

    private sealed class RecordingContext : SynchronizationContext;
}
