using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using static SemanticKernel.ParallelInvocation.Tests.Execution.ExecutorTestKit;

namespace SemanticKernel.ParallelInvocation.Tests.Execution;

public sealed class ApprovalAndContextTests
{
    private static readonly AsyncLocal<string?> Ambient = new();

    private static readonly Microsoft.Extensions.AI.AIFunction Delete = Microsoft.Extensions.AI.AIFunctionFactory.Create((string name) => "deleted " + name, "delete");

    [Fact]
    public async Task ExecuteAsync_ApprovalPending_RestOfBatchDoesNotWait()
    {
        var decision = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        int readerRuns = 0;
        var options = new ParallelInvocationOptions
        {
            ApprovalHandler = (request, _) => new ValueTask<bool>(decision.Task),
        }
        .Declare("delete", FunctionEffects.Writing("files/{name}").RequiringApproval())
        .Declare("list", FunctionEffects.Reading("other"));
        var list = Fn("list", _ => { Interlocked.Increment(ref readerRuns); return Task.FromResult<object?>("listing"); });
        var run = new ParallelToolExecutor(options).ExecuteAsync([Call("d", Delete, new() { ["name"] = "a" }), Call("l", list)]);

        await Eventually(() => Volatile.Read(ref readerRuns) == 1);
        Assert.False(run.IsCompleted);
        decision.SetResult(false);
        var report = await run.WaitAsync(SafetyNet);

        Assert.Equal(ToolCallStatus.Rejected, report.Calls[0].Status);
        Assert.Contains("not approved", report.Calls[0].ErrorMessage, StringComparison.Ordinal);
        Assert.Equal(ToolCallStatus.Succeeded, report.Calls[1].Status);
    }

    [Fact]
    public async Task ExecuteAsync_Approved_RunsAndHandlerSeesTheCall()
    {
        ApprovalRequest seen = default;
        var options = new ParallelInvocationOptions
        {
            ApprovalHandler = (request, _) => { seen = request; return ValueTask.FromResult(true); },
        }.Declare("delete", FunctionEffects.Writing("files/{name}").RequiringApproval());
        var report = await Run(options, Call("d1", Delete, new() { ["name"] = "a" }));
        Assert.Equal(ToolCallStatus.Succeeded, report.Calls[0].Status);
        Assert.Equal("d1", seen.CallId);
        Assert.Equal("a", seen.Arguments["name"]);
    }

    [Fact]
    public async Task ExecuteAsync_ApprovalRequiredWithoutHandler_Rejected()
    {
        var options = new ParallelInvocationOptions().Declare("delete", FunctionEffects.Exclusive.RequiringApproval());
        var report = await Run(options, Call("d", Returns("delete", 1)));
        Assert.Equal(ToolCallStatus.Rejected, report.Calls[0].Status);
        Assert.Contains("no approver is configured", report.Calls[0].ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExecuteAsync_ApprovedByCaller_RunsWithoutAskingTheHandler()
    {
        int asked = 0;
        var options = new ParallelInvocationOptions
        {
            ApprovalHandler = (_, _) => { Interlocked.Increment(ref asked); return ValueTask.FromResult(false); },
        }.Declare("delete", FunctionEffects.Writing("files/{name}").RequiringApproval());
        var approved = new ToolCallRequest("d", "delete", new System.Collections.Generic.Dictionary<string, object?> { ["name"] = "a" }, Delete) { ApprovedByCaller = true };

        var report = await Run(options, approved);

        Assert.Equal(ToolCallStatus.Succeeded, report.Calls[0].Status);
        Assert.Equal(0, asked);
    }

    [Fact]
    public async Task ExecuteAsync_RejectedByCaller_RejectedWithReasonEvenWithoutApprovalDeclared()
    {
        int runs = 0;
        var write = Fn("write", _ => { Interlocked.Increment(ref runs); return Task.FromResult<object?>("written"); });
        var options = new ParallelInvocationOptions().Declare("write", FunctionEffects.Writing("doc"));
        var rejected = new ToolCallRequest("w1", "write", null, write) { ApprovedByCaller = false, ApprovalReason = "not today" };

        var report = await Run(options, rejected, Call("w2", write));

        Assert.Equal(ToolCallStatus.Rejected, report.Calls[0].Status);
        Assert.Equal("Error: the call to 'write' was not approved and did not run. Reason given: not today", report.Calls[0].ErrorMessage);
        Assert.Equal(ToolCallStatus.Succeeded, report.Calls[1].Status);
        Assert.Equal(1, runs);
    }

    [Fact]
    public async Task ExecuteAsync_CallerAsyncLocal_FlowsToEveryCallAndCallsDoNotLeakIntoEachOther()
    {
        var options = new ParallelInvocationOptions().Declare("w", FunctionEffects.Writing("k"));
        var tool = Fn("w", _ =>
        {
            string? seen = Ambient.Value;
            Ambient.Value = "changed by a tool";
            return Task.FromResult<object?>(seen);
        });
        Ambient.Value = "caller";
        var report = await Run(options, Call("1", tool), Call("2", tool), Call("3", tool));
        Assert.All(report.Calls, c => Assert.Equal("caller", c.Result?.ToString()?.Trim('"')));
    }

    [Fact]
    public async Task ExecuteAsync_ToolsRunOffCallerSynchronizationContext()
    {
        var context = new RecordingContext();
        var options = new ParallelInvocationOptions().Declare("f", FunctionEffects.Pure);
        var tool = Fn("f", _ => Task.FromResult<object?>(SynchronizationContext.Current is RecordingContext));
        var previous = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(context);
        Task<BatchReport> run;
        try
        {
            run = new ParallelToolExecutor(options).ExecuteAsync([Call("1", tool)]);
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(previous);
        }

        var report = await run.WaitAsync(SafetyNet);
        Assert.False(((System.Text.Json.JsonElement)report.Calls[0].Result!).GetBoolean());
    }

    private sealed class RecordingContext : SynchronizationContext;
}

public sealed class PerCallCompletionTests
{
    [Fact]
    public async Task OnCallCompleted_FiresPerCallBeforeTheBatchEnds()
    {
        var slowGate = new TaskCompletionSource<object?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var completed = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var options = new ParallelInvocationOptions().Declare("fast", FunctionEffects.Pure).Declare("slow", FunctionEffects.Pure);
        var batch = new ToolCallBatch([Call("f", Returns("fast", 1)), Call("s", Fn("slow", _ => slowGate.Task)), new ToolCallRequest("u", "unknown", null, null)])
        {
            OnCallCompleted = outcome => completed.Enqueue(outcome.CallId),
        };
        var run = new ParallelToolExecutor(options).ExecuteAsync(batch);

        await Eventually(() => completed.Contains("f") && completed.Contains("u"));
        Assert.False(run.IsCompleted);
        slowGate.SetResult(2);
        await run.WaitAsync(SafetyNet);
        Assert.Equal(3, completed.Count);
        Assert.Equal(["f", "s", "u"], completed.Order(StringComparer.Ordinal));
    }
}

public sealed class ApprovalWrapperTests
{
    [Fact]
    public async Task ExecuteAsync_ApprovalRequiredAIFunction_WaitsForApprovalLikeADeclaredOne()
    {
        int approvals = 0;
        var options = new ParallelInvocationOptions
        {
            ApprovalHandler = (_, _) => { Interlocked.Increment(ref approvals); return ValueTask.FromResult(false); },
        }.Declare("wipe", FunctionEffects.Writing("disk"));
#pragma warning disable MEAI001
        var wrapped = new Microsoft.Extensions.AI.ApprovalRequiredAIFunction(Returns("wipe", "wiped"));
#pragma warning restore MEAI001
        var report = await Run(options, Call("1", wrapped));
        Assert.Equal(ToolCallStatus.Rejected, report.Calls[0].Status);
        Assert.Equal(1, approvals);
    }
}

public sealed class EarlyDecisionOrderingTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ExecuteAsync_ApprovalRefusedWhileEarlierWriteRuns_LaterReadStillWaitsForThatWrite(bool withHandler)
    {
        // write#0 (slow) -> write#1 (needs approval; refused at once) -> read#2. The plan orders the read after #1 alone (#1 dominates #0),
        // so deciding #1 before #0 finished must not release the read early.
        var slowWrite = new TaskCompletionSource<object?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var refused = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var readRan = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        int firstWriteDone = 0;
        var options = new ParallelInvocationOptions
        {
            ApprovalHandler = withHandler ? (_, _) => { refused.TrySetResult(); return ValueTask.FromResult(false); } : null,
        }
        .Declare("slow_write", FunctionEffects.Writing("doc"))
        .Declare("guarded_write", FunctionEffects.Writing("doc").RequiringApproval())
        .Declare("read", FunctionEffects.Reading("doc"));
        var first = Fn("slow_write", async _ => { var r = await slowWrite.Task; Volatile.Write(ref firstWriteDone, 1); return r; });
        var read = Fn("read", _ =>
        {
            readRan.TrySetResult();
            return Task.FromResult<object?>(Volatile.Read(ref firstWriteDone) == 1 ? "after the first write" : "too early");
        });
        var run = new ParallelToolExecutor(options).ExecuteAsync([Call("w0", first), Call("w1", Returns("guarded_write", 1)), Call("r", read)]);

        // Once #1 is refused, a wrongly released read starts at once: give it a bounded chance (logical, not timed) before #0 finishes.
        if (withHandler)
        {
            await refused.Task.WaitAsync(SafetyNet);
        }

        for (int i = 0; i < 200 && !readRan.Task.IsCompleted; i++)
        {
            await Task.Yield();
            Thread.Yield();
        }

        Assert.False(readRan.Task.IsCompleted, "the read ran while the first write was still running");
        slowWrite.SetResult("written");
        var report = await run.WaitAsync(SafetyNet);

        Assert.Equal(ToolCallStatus.Rejected, report.Calls[1].Status);
        Assert.Equal("after the first write", report.Calls[2].Result?.ToString()?.Trim('"'));
    }
}
