using System;
using System.Linq;
using System.Net.Http;
using System.Text.Json;
using System.Threading.Tasks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;
using Microsoft.SemanticKernel.Connectors.OpenAI;
using SemanticKernel.ParallelInvocation.SemanticKernelTests.Fakes;
using SemanticKernel.ParallelInvocation.Tests.Contract;

namespace SemanticKernel.ParallelInvocation.SemanticKernelTests.SemanticKernel;

/// <summary>
/// What happens when an outer filter sets <c>context.Terminate</c> after the first call's result. Delivered one at a time (OpenAI,
/// <c>FunctionChoiceBehavior.Auto()</c> without options), Semantic Kernel stops at once and would leave the later ids unanswered,
/// although the batch was captured at the first call and its independent calls already ran. The adapter's outermost sentinel filter
/// waits for them and appends their results, so the chat history answers every id once and the next request is valid.
/// </summary>
public sealed class TerminateTests
{
    private static readonly WireCall[] Calls =
    [
        new("c1", "Inventory-Add", """{"a":1,"b":2}"""),
        new("c2", "Inventory-GetStock", """{"item":"pear"}"""),
        new("c3", "Inventory-SetStock", """{"item":"apple","quantity":5}"""),
    ];

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task OuterFilterTerminatesAfterFirstCall_SequentialDelivery_EveryIdAnsweredOnceWithRealResults(bool streaming)
    {
        await using var server = new LocalModelServer();
        var (plugin, outer, batchDone) = Scene("c1");
        if (streaming)
        {
            server.ThenSse(WireFormats.OpenAIStreamingToolCalls(Calls));
        }
        else
        {
            server.ThenJson(WireFormats.OpenAIToolCalls(Calls));
        }

        server.ThenJson(WireFormats.OpenAIText("noted"));
        var kernel = TestKernels.OpenAI(server, plugin, before: Outer(outer), configure: ReportTo(batchDone));
        var history = NewHistory();

        string answer = await TestKernels.AskAsync(kernel, TestKernels.OpenAISettings(Arrival.Sequential), streaming, history);
        var report = await batchDone.Task.WaitAsync(TestKernels.SafetyNet);

        // Semantic Kernel stopped: no further request, and its own return value (the last message) is still call 1's result.
        Assert.Single(server.Requests);
        if (!streaming)
        {
            Assert.Equal("3", answer);
        }

        Assert.Equal(["before c1", "after c1: 3"], outer.Seen);
        Assert.All(report.Calls, c => Assert.Equal(ToolCallStatus.Succeeded, c.Status));
        Assert.Equal(["add 1+2", "get pear", "set apple=5"], plugin.Log.Order(StringComparer.Ordinal));

        // One tool message per id, each with its real result: the later ones first (the sentinel), then call 1 (Semantic Kernel).
        Assert.Equal([("c2", "4"), ("c3", "apple=5"), ("c1", "3")], ToolResults(history));
        Assert.All(history.Where(m => m.Role == AuthorRole.Tool), m => Assert.Single(m.Items.OfType<FunctionResultContent>()));
        Assert.Equal("Inventory", history.Where(m => m.Role == AuthorRole.Tool).SelectMany(m => m.Items.OfType<FunctionResultContent>()).First().PluginName);

        // The next request made with that history answers every id of the assistant message on the wire.
        await TestKernels.AskAsync(kernel, TestKernels.OpenAISettings(Arrival.Sequential), streaming: false, history);
        var followUp = server.Requests[1].Body;
        Assert.Equal(["c1", "c2", "c3"], AssistantToolCallIds(followUp));
        Assert.Equal([("c2", "4"), ("c3", "apple=5"), ("c1", "3")], WireFormats.OpenAIToolResults(followUp));
    }

    [Fact]
    public async Task OuterFilterTerminatesAfterFirstCall_ConcurrentDelivery_SemanticKernelAnswersEveryIdOnce()
    {
        await using var server = new LocalModelServer();
        var (plugin, outer, _) = Scene("c1");
        server.ThenJson(WireFormats.OpenAIToolCalls(Calls));
        var kernel = TestKernels.OpenAI(server, plugin, before: Outer(outer));
        var history = NewHistory();

        await TestKernels.AskAsync(kernel, TestKernels.OpenAISettings(Arrival.Concurrent), streaming: false, history);

        Assert.Single(server.Requests);
        Assert.Equal([("c1", "3"), ("c2", "4"), ("c3", "apple=5")], ToolResults(history));
    }

    /// <summary>
    /// With the functions advertised to the model unknown (the legacy <c>ToolCallBehavior</c>), a writing call waits for its own
    /// delivery before it runs. After Terminate it is never delivered: it ends Rejected without running and its id gets that error,
    /// while the independent read that already ran keeps its real result. The batch completes (before the sentinel it never did).
    /// </summary>
    [Fact]
    public async Task OuterFilterTerminates_DeferredWriteNotDelivered_EndsRejectedWithoutRunningAndIsAnswered()
    {
        await using var server = new LocalModelServer();
        var (plugin, outer, batchDone) = Scene("c1");
        server.ThenJson(WireFormats.OpenAIToolCalls(Calls));
        var kernel = TestKernels.OpenAI(server, plugin, before: Outer(outer), configure: ReportTo(batchDone));
        var history = NewHistory();
#pragma warning disable CS0618 // ToolCallBehavior is obsolete, and is the way to a batch whose advertised functions filters cannot see.
        var settings = new OpenAIPromptExecutionSettings { ToolCallBehavior = ToolCallBehavior.AutoInvokeKernelFunctions };
#pragma warning restore CS0618

        await TestKernels.AskAsync(kernel, settings, streaming: false, history);
        var report = await batchDone.Task.WaitAsync(TestKernels.SafetyNet);

        var results = ToolResults(history);
        Assert.Equal(["c2", "c3", "c1"], results.Select(r => r.Id));
        Assert.Equal("4", results[0].Content);
        Assert.StartsWith("Error:", results[1].Content, StringComparison.Ordinal);
        Assert.Equal(ToolCallStatus.Rejected, report.Calls.Single(c => c.CallId == "c3").Status);
        Assert.Equal(["add 1+2", "get pear"], plugin.Log.Order(StringComparer.Ordinal));
        Assert.False(plugin.Stock.ContainsKey("apple"));
    }

    /// <summary>
    /// Gemini: Semantic Kernel writes one tool message with the results of the calls it delivered and nothing for the rest; the
    /// sentinel writes nothing there (that connector could not send it), but the deferred write still ends without running.
    /// </summary>
    [Fact]
    public async Task OuterFilterTerminates_Gemini_HistoryLeftAsSemanticKernelWritesItAndDeferredWriteNeverRuns()
    {
        await using var server = new LocalModelServer();
        var (plugin, outer, batchDone) = Scene(string.Empty); // Gemini calls have no ids: terminate after the first
        server.ThenJson(WireFormats.GeminiFunctionCalls(
            new("", "Inventory_Add", """{"a":1,"b":2}"""),
            new("", "Inventory_GetStock", """{"item":"pear"}"""),
            new("", "Inventory_SetStock", """{"item":"apple","quantity":5}""")));
        var kernel = TestKernels.Gemini(
            server,
            plugin,
            before: Outer(outer),
            configure: ReportTo(batchDone));
        var history = NewHistory();

        await TestKernels.AskAsync(kernel, TestKernels.GeminiSettings(), streaming: false, history);
        var report = await batchDone.Task.WaitAsync(TestKernels.SafetyNet);

        Assert.Single(server.Requests);
        var tool = Assert.Single(history, m => m.Role == AuthorRole.Tool);
        Assert.Empty(tool.Items.OfType<FunctionResultContent>());
        Assert.Equal(ToolCallStatus.Rejected, report.Calls.Single(c => c.Request.Name == "SetStock").Status);
        Assert.DoesNotContain("set apple=5", plugin.Log);
    }

    /// <summary>
    /// The IChatClient path: Terminate becomes Microsoft.Extensions.AI's, which stops its loop with only the delivered ids answered;
    /// the filter's ChatHistory is a copy there, so the sentinel cannot answer the later ids. The later calls that had started still
    /// run to completion (their outcomes are in the batch report) and the batch completes.
    /// </summary>
    [Fact]
    public async Task OuterFilterTerminates_ChatClientPath_BatchCompletes()
    {
        await using var server = new LocalModelServer();
        var (plugin, outer, batchDone) = Scene("c1");
        server.ThenJson(WireFormats.OpenAIToolCalls(
            new("c1", "Inventory_Add", """{"a":1,"b":2}"""),
            new("c2", "Inventory_GetStock", """{"item":"pear"}"""),
            new("c3", "Inventory_SetStock", """{"item":"apple","quantity":5}""")));
        var builder = Kernel.CreateBuilder();
        builder.AddOpenAIChatClient("gpt-4o", server.OpenAIEndpoint, apiKey: "test", httpClient: new HttpClient());
        builder.Plugins.Add(TestKernels.InventoryPlugin(plugin));
        Outer(outer)(builder);
        builder.AddParallelFunctionInvocation(ReportTo(batchDone));
        var kernel = builder.Build();

        var result = await kernel.InvokePromptAsync("Go.", new(TestKernels.OpenAISettings(Arrival.Sequential))).WaitAsync(TestKernels.SafetyNet);
        var report = await batchDone.Task.WaitAsync(TestKernels.SafetyNet);

        Assert.Single(server.Requests);
        Assert.Equal(["before c1", "after c1: 3"], outer.Seen);
        Assert.All(report.Calls, c => Assert.Equal(ToolCallStatus.Succeeded, c.Status));

        // Microsoft.Extensions.AI answers only the ids it delivered: the response holds call 1's result and no other.
        var response = Assert.IsType<Microsoft.Extensions.AI.ChatResponse>(result.GetValue<Microsoft.Extensions.AI.ChatResponse>());
        var answered = response.Messages.SelectMany(m => m.Contents.OfType<Microsoft.Extensions.AI.FunctionResultContent>()).Select(r => r.CallId);
        Assert.Equal(["c1"], answered);
    }

    /// <summary>An inventory with 4 pears, an outer filter setting Terminate after <paramref name="terminateAfter"/>, and the batch's report to come.</summary>
    private static (Inventory Plugin, RecordingFilter Outer, TaskCompletionSource<BatchReport> BatchDone) Scene(string terminateAfter)
    {
        var plugin = new Inventory();
        plugin.Stock["pear"] = 4;
        return (plugin, new RecordingFilter { TerminateAfter = terminateAfter }, new(TaskCreationOptions.RunContinuationsAsynchronously));
    }

    private static Action<IKernelBuilder> Outer(RecordingFilter outer) => b => b.Services.AddSingleton<IAutoFunctionInvocationFilter>(outer);

    private static Action<ParallelInvocationOptions> ReportTo(TaskCompletionSource<BatchReport> batchDone) => o => o.OnBatchCompleted = r => batchDone.TrySetResult(r);

    private static ChatHistory NewHistory()
    {
        var history = new ChatHistory("You manage an inventory.");
        history.AddUserMessage("Go.");
        return history;
    }

    private static (string Id, string Content)[] ToolResults(ChatHistory history) =>
        history.Where(m => m.Role == AuthorRole.Tool)
            .SelectMany(m => m.Items.OfType<FunctionResultContent>())
            .Select(r => (r.CallId!, r.Result?.ToString() ?? string.Empty))
            .ToArray();

    private static string[] AssistantToolCallIds(JsonElement request) =>
        request.GetProperty("messages").EnumerateArray()
            .Where(m => m.GetProperty("role").GetString() == "assistant" && m.TryGetProperty("tool_calls", out _))
            .SelectMany(m => m.GetProperty("tool_calls").EnumerateArray())
            .Select(c => c.GetProperty("id").GetString()!)
            .ToArray();
}
