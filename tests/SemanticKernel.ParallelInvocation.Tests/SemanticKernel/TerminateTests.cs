using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;
using Microsoft.SemanticKernel.Connectors.OpenAI;
using ChatMessage = Microsoft.Extensions.AI.ChatMessage;
using ChatResponse = Microsoft.Extensions.AI.ChatResponse;
using ChatRole = Microsoft.Extensions.AI.ChatRole;
using IChatClient = Microsoft.Extensions.AI.IChatClient;
using SemanticKernel.ParallelInvocation.SemanticKernelTests.Fakes;
using SemanticKernel.ParallelInvocation.Tests.Contract;
using static SemanticKernel.ParallelInvocation.SemanticKernelTests.Fakes.TerminateScenes;

namespace SemanticKernel.ParallelInvocation.SemanticKernelTests.SemanticKernel;

/// <summary>
/// What happens when a filter sets <c>context.Terminate</c> after the first call's result, in batches whose later calls do not depend on
/// the first: ParallelSK started them with it, so they were already running and complete. Delivered one at a time (OpenAI,
/// <c>FunctionChoiceBehavior.Auto()</c> without options), Semantic Kernel stops at once and would leave the later ids unanswered; the
/// adapter appends their results first, so the chat history answers every id once and the next request is valid. (That later calls which
/// have not started do not run is in the filter contract, <c>FilterContract</c>.)
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
    public async Task FilterTerminatesAfterFirstCall_OneAtATime_RunningCallsCompleteAndEveryIdIsAnsweredOnce(bool streaming)
    {
        await using var server = new LocalModelServer();
        var (plugin, filter, batchDone) = Scene("c1");
        filter.TerminateOnceEntered = 3; // the three calls run together: all have started when c1 terminates
        if (streaming)
        {
            server.ThenSse(WireFormats.OpenAIStreamingToolCalls(Calls));
        }
        else
        {
            server.ThenJson(WireFormats.OpenAIToolCalls(Calls));
        }

        server.ThenJson(WireFormats.OpenAIText("noted"));
        var kernel = TestKernels.OpenAI(server, plugin, before: Registered(filter), configure: ReportTo(batchDone));
        var history = NewHistory();

        string answer = await TestKernels.AskAsync(kernel, TestKernels.OpenAISettings(Arrival.Sequential), streaming, history);
        var report = await batchDone.Task.WaitAsync(TestKernels.SafetyNet);

        // Semantic Kernel stopped: no further request, and its own return value (the last message) is still call 1's result.
        Assert.Single(server.Requests);
        if (!streaming)
        {
            Assert.Equal("3", answer);
        }

        // The filter saw every call once: the independent ones ran with the first, through it, before Semantic Kernel delivered them.
        Assert.Equal(["after c1: 3", "after c2: 4", "after c3: apple=5"], filter.Seen.Where(s => s.StartsWith("after", StringComparison.Ordinal)).Order(StringComparer.Ordinal));
        Assert.All(report.Calls, c => Assert.Equal(ToolCallStatus.Succeeded, c.Status));
        Assert.Equal(["add 1+2", "get pear", "set apple=5"], plugin.Log.Order(StringComparer.Ordinal));

        // One tool message per id, each with its real result: the later ones first (ParallelSK), then call 1 (Semantic Kernel).
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
    public async Task FilterTerminatesAfterFirstCall_ConcurrentDelivery_SemanticKernelAnswersEveryIdOnce()
    {
        await using var server = new LocalModelServer();
        var (plugin, filter, _) = Scene("c1");
        server.ThenJson(WireFormats.OpenAIToolCalls(Calls));
        var kernel = TestKernels.OpenAI(server, plugin, before: Registered(filter));
        var history = NewHistory();

        await TestKernels.AskAsync(kernel, TestKernels.OpenAISettings(Arrival.Concurrent), streaming: false, history);

        Assert.Single(server.Requests);
        Assert.Equal([("c1", "3"), ("c2", "4"), ("c3", "apple=5")], ToolResults(history));
    }

    /// <summary>
    /// With the functions advertised to the model unknown (the legacy <c>ToolCallBehavior</c>), a writing call waits for its own
    /// delivery before it runs. After Terminate it is never delivered: the halt ends it Skipped without running (naming the call that
    /// terminated) and its id gets that error,
    /// while the independent read that already ran keeps its real result. The batch completes, and its report exists when Semantic
    /// Kernel returns.
    /// </summary>
    [Fact]
    public async Task FilterTerminates_DeferredWriteNotDelivered_EndsSkippedWithoutRunningAndIsAnswered()
    {
        await using var server = new LocalModelServer();
        var (plugin, filter, batchDone) = Scene("c1");
        filter.TerminateOnceEntered = 2; // c1 and the read c2 run together (c3 waits for its delivery): c2 has started when c1 terminates
        server.ThenJson(WireFormats.OpenAIToolCalls(Calls));
        var kernel = TestKernels.OpenAI(server, plugin, before: Registered(filter), configure: ReportTo(batchDone));
        var history = NewHistory();
#pragma warning disable CS0618 // ToolCallBehavior is obsolete, and is the way to a batch whose advertised functions filters cannot see.
        var settings = new OpenAIPromptExecutionSettings { ToolCallBehavior = ToolCallBehavior.AutoInvokeKernelFunctions };
#pragma warning restore CS0618

        await TestKernels.AskAsync(kernel, settings, streaming: false, history);
        Assert.True(batchDone.Task.IsCompleted, "The request returned before its batch report existed.");
        var report = await batchDone.Task;

        var results = ToolResults(history);
        Assert.Equal(["c2", "c3", "c1"], results.Select(r => r.Id));
        Assert.Equal("4", results[0].Content);
        Assert.StartsWith("Error: the call to 'SetStock' did not run: a filter ended automatic function invocation at call #0 ('Add').", results[1].Content, StringComparison.Ordinal);
        var halted = report.Calls.Single(c => c.CallId == "c3");
        Assert.Equal(ToolCallStatus.Skipped, halted.Status);
        Assert.Equal(0, halted.SkippedBecauseOf);
        Assert.Equal(["add 1+2", "get pear"], plugin.Log.Order(StringComparer.Ordinal));
        Assert.False(plugin.Stock.ContainsKey("apple"));
    }

    /// <summary>
    /// The IChatClient path: Terminate becomes Microsoft.Extensions.AI's, which would stop its loop with only the delivered ids
    /// answered. ParallelSK lets it deliver the later calls and answers them from their runs (they ran with the first: the advertised
    /// functions are known there), so the response answers every id once with its real result, and the loop still stops after this batch.
    /// </summary>
    [Fact]
    public async Task FilterTerminates_ChatClientPath_EveryIdAnsweredOnceWithRealResults()
    {
        await using var server = new LocalModelServer();
        var (plugin, filter, batchDone) = Scene("c1");
        filter.TerminateOnceEntered = 3; // the three calls run together: all have started when c1 terminates
        server.ThenJson(WireFormats.OpenAIToolCalls(
            new("c1", "Inventory_Add", """{"a":1,"b":2}"""),
            new("c2", "Inventory_GetStock", """{"item":"pear"}"""),
            new("c3", "Inventory_SetStock", """{"item":"apple","quantity":5}""")))
            .ThenJson(WireFormats.OpenAIText("noted"));
        var kernel = ChatClientKernel(server, plugin, filter, batchDone);

        var response = await AskChatClientPathAsync(kernel);
        var report = await batchDone.Task.WaitAsync(TestKernels.SafetyNet);

        Assert.Single(server.Requests);
        Assert.Equal(["after c1: 3", "after c2: 4", "after c3: apple=5"], filter.Seen.Where(s => s.StartsWith("after", StringComparison.Ordinal)).Order(StringComparer.Ordinal));
        Assert.All(report.Calls, c => Assert.Equal(ToolCallStatus.Succeeded, c.Status));
        Assert.Equal([("c1", "3"), ("c2", "4"), ("c3", "apple=5")], ChatClientResults(response));

        // Sent back as it is, the conversation answers every id of the assistant message on the wire.
        var followUp = new List<ChatMessage> { new(ChatRole.User, "Go.") };
        followUp.AddRange(response.Messages);
        await kernel.GetRequiredService<IChatClient>().GetResponseAsync(followUp).WaitAsync(TestKernels.SafetyNet);
        Assert.Equal(["c1", "c2", "c3"], AssistantToolCallIds(server.Requests[1].Body));
        Assert.Equal([("c1", "3"), ("c2", "4"), ("c3", "apple=5")], WireFormats.OpenAIToolResults(server.Requests[1].Body));
    }

    /// <summary>
    /// The one case where an id stays unanswered: a call after the terminating one that Semantic Kernel itself rejects (here an unknown
    /// function) and that comes after every call it delivers. The loop must stop on the last delivered call, so the rejected call is
    /// never reached, as without this library.
    /// </summary>
    [Fact]
    public async Task FilterTerminates_ChatClientPath_TrailingUnknownCallIsNeverReached()
    {
        await using var server = new LocalModelServer();
        var (plugin, filter, batchDone) = Scene("c1");
        filter.TerminateOnceEntered = 2; // c1 and c3 run together (c2 and c4 never reach a filter): both have started when c1 terminates
        server.ThenJson(WireFormats.OpenAIToolCalls(
            new("c1", "Inventory_Add", """{"a":1,"b":2}"""),
            new("c2", "Inventory_Missing", "{}"),
            new("c3", "Inventory_GetStock", """{"item":"pear"}"""),
            new("c4", "Inventory_Vanished", "{}")));
        var kernel = ChatClientKernel(server, plugin, filter, batchDone);

        var response = await AskChatClientPathAsync(kernel);
        await batchDone.Task.WaitAsync(TestKernels.SafetyNet);

        Assert.Single(server.Requests);
        var results = ChatClientResults(response);
        Assert.Equal(["c1", "c2", "c3"], results.Select(r => r.Id));
        Assert.Equal("3", results[0].Content);
        Assert.Contains("not found", results[1].Content, StringComparison.Ordinal);
        Assert.Equal("4", results[2].Content);
    }

    /// <summary>
    /// After a Terminate, the batch waits for a later call that is still running; cancelling the request ends that wait and the
    /// request with <see cref="OperationCanceledException"/> instead of hanging, on the IChatClient path.
    /// </summary>
    [Fact]
    public async Task FilterTerminates_LaterCallStillRunning_CallerCancels_RequestEndsCancelled()
    {
        await using var server = new LocalModelServer();
        var (plugin, filter, batchDone) = Scene("c1");
        filter.TerminateOnceEntered = 2; // c2 has started when c1 terminates (a Terminate stops only calls not yet started)
        using var cts = new CancellationTokenSource();
        server.ThenJson(WireFormats.OpenAIToolCalls(new("c1", "Inventory_Add", """{"a":1,"b":2}"""), new("c2", "Inventory_WaitForCancellation", "{}")));
        var kernel = ChatClientKernel(server, plugin, filter, batchDone);
        var run = kernel.InvokePromptAsync("Go.", new(TestKernels.OpenAISettings(Arrival.Sequential)), cancellationToken: cts.Token);

        await plugin.Blocked.Task.WaitAsync(TestKernels.SafetyNet);
        await filter.Terminated.Task.WaitAsync(TestKernels.SafetyNet); // the batch is about to wait for the later call, or waits
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run.WaitAsync(TestKernels.SafetyNet));
        var report = await batchDone.Task.WaitAsync(TestKernels.SafetyNet);
        Assert.Equal(ToolCallStatus.Cancelled, report.Calls.Single(c => c.Request.Name == "WaitForCancellation").Status);
        Assert.Single(server.Requests);
    }

    private static Kernel ChatClientKernel(LocalModelServer server, Inventory plugin, RecordingFilter filter, TaskCompletionSource<BatchReport> batchDone)
    {
        var builder = Kernel.CreateBuilder();
        builder.AddOpenAIChatClient("gpt-4o", server.OpenAIEndpoint, apiKey: "test", httpClient: new HttpClient());
        builder.Plugins.Add(TestKernels.InventoryPlugin(plugin));
        Registered(filter)(builder);
        builder.AddParallelFunctionInvocation(ReportTo(batchDone));
        return builder.Build();
    }

    private static async Task<ChatResponse> AskChatClientPathAsync(Kernel kernel)
    {
        var result = await kernel.InvokePromptAsync("Go.", new(TestKernels.OpenAISettings(Arrival.Sequential))).WaitAsync(TestKernels.SafetyNet);
        return Assert.IsType<ChatResponse>(result.GetValue<ChatResponse>());
    }

    private static (string Id, string Content)[] ChatClientResults(ChatResponse response) =>
        response.Messages.SelectMany(m => m.Contents.OfType<Microsoft.Extensions.AI.FunctionResultContent>())
            .Select(r => (r.CallId, r.Result?.ToString() ?? string.Empty))
            .ToArray();

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
