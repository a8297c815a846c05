using System.Collections.Concurrent;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;
using SemanticKernel.ParallelInvocation.SemanticKernelTests.Fakes;

namespace SemanticKernel.ParallelInvocation.SemanticKernelTests.SemanticKernel;

/// <summary>
/// Documents what happens when an outer filter sets <c>context.Terminate</c> after the first call's result, with calls delivered one
/// at a time (OpenAI, <c>FunctionChoiceBehavior.Auto()</c> without options). Semantic Kernel stops at once: it writes the first call's
/// result and no other, and asks no further filter invocation. The batch was captured at the first call, so the independent calls had
/// already been started by then: they run to completion and their outcomes are in the batch report only. Our filter is innermost and
/// returns before the outer filter sets Terminate, so it cannot observe it and cannot answer the later ids without writing the
/// caller's ChatHistory after Semantic Kernel has returned, which it must not do.
/// </summary>
public sealed class TerminateTests
{
    [Fact]
    public async Task OuterFilterTerminatesAfterFirstCall_SequentialDelivery_OnlyFirstIdAnsweredButIndependentCallsRan()
    {
        await using var server = new LocalModelServer();
        var plugin = new InventoryPlugin();
        plugin.Stock["pear"] = 4;
        var outer = new RecordingFilter { TerminateAfter = "c1" };
        var reports = new ConcurrentQueue<BatchReport>();
        var batchDone = new TaskCompletionSource<BatchReport>(TaskCreationOptions.RunContinuationsAsynchronously);
        server.ThenJson(WireFormats.OpenAIToolCalls(
            new("c1", "Inventory-Add", """{"a":1,"b":2}"""),
            new("c2", "Inventory-GetStock", """{"item":"pear"}"""),
            new("c3", "Inventory-SetStock", """{"item":"apple","quantity":5}""")));
        var kernel = TestKernels.OpenAI(
            server,
            plugin,
            before: b => b.Services.AddSingleton<IAutoFunctionInvocationFilter>(outer),
            configure: o => o.OnBatchCompleted = r => batchDone.TrySetResult(r));
        var history = new ChatHistory("You manage an inventory.");
        history.AddUserMessage("Go.");

        string answer = await TestKernels.AskAsync(kernel, TestKernels.OpenAISettings(Arrival.Sequential), streaming: false, history);
        var report = await batchDone.Task.WaitAsync(TestKernels.SafetyNet);

        Assert.Equal("3", answer);
        Assert.Single(server.Requests);
        var answered = history.Where(m => m.Role == AuthorRole.Tool).SelectMany(m => m.Items.OfType<FunctionResultContent>()).Select(r => r.CallId);
        Assert.Equal(["c1"], answered);
        Assert.Equal(["before c1", "after c1: 3"], outer.Seen);
        Assert.All(report.Calls, c => Assert.Equal(ToolCallStatus.Succeeded, c.Status));
        Assert.Equal(["add 1+2", "get pear", "set apple=5"], plugin.Log.Order(System.StringComparer.Ordinal));
        Assert.Equal(5, plugin.Stock["apple"]);
    }
}
