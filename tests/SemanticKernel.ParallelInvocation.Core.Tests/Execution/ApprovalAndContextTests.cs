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
