using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using static SemanticKernel.ParallelInvocation.Tests.Execution.ExecutorTestKit;

namespace SemanticKernel.ParallelInvocation.Tests.Execution;

/// <summary>
/// <see cref="ParallelInvocationOptions.RunReadyCallsOnCallingThread"/>: the calling thread (without a
/// <see cref="SynchronizationContext"/>) runs the ready calls one after another, and a tool that blocks it does not hold up the others:
/// a helper on the pool takes over the waiting calls, and a blocked helper hands over to the next. (A caller with a
/// <see cref="SynchronizationContext"/> is never used: see <see cref="CallingThreadTests"/>.)
/// </summary>
public sealed class ReadyCallsOnCallingThreadTests
{
    private static readonly AsyncLocal<string?> Ambient = new();

    private static ParallelInvocationOptions Options(bool here) =>
        new ParallelInvocationOptions { RunReadyCallsOnCallingThread = here }.Declare("f", FunctionEffects.Pure).Declare("releaser", FunctionEffects.Pure);

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ExecuteAsync_FromAThreadWithoutContext_TheFirstCallRunsInsideTheCallOnlyWhenAsked(bool here)
    {
        var (firstRanInside, callerAmbient, statuses) = await Task.Run(async () =>
        {
            int caller = Environment.CurrentManagedThreadId;
            bool inside = true, ranInside = false;
            Ambient.Value = "caller";
            var first = Fn("f", _ =>
            {
                ranInside = Volatile.Read(ref inside) && Environment.CurrentManagedThreadId == caller;
                Ambient.Value = "changed by the tool";
                return Task.FromResult<object?>(Ambient.Value);
            });
            var other = Fn("f", _ => Task.FromResult<object?>("other"));
            var run = new ParallelToolExecutor(Options(here)).ExecuteAsync([Call("1", first), Call("2", other), Call("3", other)]);
            Volatile.Write(ref inside, false);
            string? after = Ambient.Value; // on this thread, right after ExecuteAsync returned
            var report = await run.WaitAsync(SafetyNet);
            return (ranInside, after, report.Calls.Select(c => c.Status).ToArray());
        });

        Assert.Equal(here, firstRanInside);
        Assert.Equal("caller", callerAmbient);
        Assert.All(statuses, s => Assert.Equal(ToolCallStatus.Succeeded, s));
    }

    [Fact]
    public async Task ExecuteAsync_CallsBlockTheCallerAndTheFirstHelper_TheLastCallStillRunsAndReleasesThem()
    {
        // Calls 1 and 2 block their threads until call 3 runs: the caller runs call 1, a helper takes call 2, and that helper must
        // have queued the next one, which runs call 3.
        using var gate = new ManualResetEventSlim();
        var blocker = Fn("f", _ => Task.FromResult<object?>(gate.Wait(SafetyNet)));
        var releaser = Fn("releaser", _ => { gate.Set(); return Task.FromResult<object?>("released"); });
        var report = await Task.Run(() => new ParallelToolExecutor(Options(here: true)).ExecuteAsync([Call("1", blocker), Call("2", blocker), Call("3", releaser)])).WaitAsync(SafetyNet);

        Assert.All(report.Calls, c => Assert.Equal(ToolCallStatus.Succeeded, c.Status));
        Assert.True(((System.Text.Json.JsonElement)report.Calls[0].Result!).GetBoolean());
        Assert.True(((System.Text.Json.JsonElement)report.Calls[1].Result!).GetBoolean());
    }
}
