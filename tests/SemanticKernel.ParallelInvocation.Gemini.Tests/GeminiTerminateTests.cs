using System;
using System.Linq;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;
using SemanticKernel.ParallelInvocation.SemanticKernelTests.Fakes;
using SemanticKernel.ParallelInvocation.Tests.Contract;
using static SemanticKernel.ParallelInvocation.SemanticKernelTests.Fakes.TerminateScenes;

namespace SemanticKernel.ParallelInvocation.SemanticKernelTests.SemanticKernel;

/// <summary>Terminate on Gemini's connector, which collects a batch's results into one tool message.</summary>
public sealed class GeminiTerminateTests
{
    /// <summary>
    /// Gemini collects a batch's results into one tool message and, on Terminate, would leave the later calls without a response (the
    /// next request would then carry fewer function responses than calls). ParallelSK lets the connector deliver the later calls,
    /// answers them from their runs without running anything new, and terminates on the last: one message answers all three calls in
    /// order, and the deferred write, never delivered before the Terminate, ends Skipped (halted) without running.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task FilterTerminates_Gemini_EveryCallAnsweredInOneMessageAndDeferredWriteNeverRuns(bool streaming)
    {
        await using var server = new LocalModelServer();
        var (plugin, filter, batchDone) = Scene(string.Empty); // Gemini calls have no ids: terminate after the first
        filter.TerminateOnceEntered = 2; // the read runs with the first call and has started when it terminates; the write waits
        string calls = WireFormats.GeminiFunctionCalls(
            new("", "Inventory_Add", """{"a":1,"b":2}"""),
            new("", "Inventory_GetStock", """{"item":"pear"}"""),
            new("", "Inventory_SetStock", """{"item":"apple","quantity":5}"""));
        if (streaming)
        {
            server.ThenSse(WireFormats.GeminiStreaming(calls));
        }
        else
        {
            server.ThenJson(calls);
        }

        server.ThenJson(WireFormats.GeminiText("noted"));
        var kernel = GeminiKernels.Gemini(server, plugin, before: Registered(filter), configure: ReportTo(batchDone));
        var history = NewHistory();

        await TestKernels.AskAsync(kernel, GeminiKernels.GeminiSettings(), streaming, history);
        Assert.Contains(streaming ? ":streamGenerateContent" : ":generateContent", server.Requests[0].PathAndQuery, StringComparison.Ordinal);
        var report = await batchDone.Task.WaitAsync(TestKernels.SafetyNet);

        // Semantic Kernel stopped after this batch. The filter saw the call it terminated at and the read, which ran with it (Gemini calls
        // have no ids: the results tell them apart), and never the write, which waited for its delivery.
        Assert.Single(server.Requests);
        Assert.Equal(["after : 3", "after : 4"], filter.Seen.Where(s => s.StartsWith("after", StringComparison.Ordinal)).Order(StringComparer.Ordinal));
        Assert.Single(history, m => m.Role == AuthorRole.Tool);
        Assert.Equal(ToolCallStatus.Skipped, report.Calls.Single(c => c.Request.Name == "SetStock").Status);
        Assert.Equal(["add 1+2", "get pear"], plugin.Log.Order(StringComparer.Ordinal));
        Assert.False(plugin.Stock.ContainsKey("apple"));

        // The next request made with that history answers every call, in order, with the real results of the calls that ran.
        await TestKernels.AskAsync(kernel, GeminiKernels.GeminiSettings(), streaming: false, history);
        var responses = GeminiFunctionResponses(server.Requests[1].Body);
        Assert.Equal(["Inventory_Add", "Inventory_GetStock", "Inventory_SetStock"], responses.Select(r => r.Name));
        Assert.Equal("3", responses[0].Content);
        Assert.Equal("4", responses[1].Content);
        Assert.StartsWith("Error:", responses[2].Content, StringComparison.Ordinal);
    }

    /// <summary>
    /// Gemini does not stop when the filter that set Terminate then throws (the exception becomes that call's error result and the
    /// connector goes on). Neither does the batch: the deferred write is delivered and runs, and the turn continues to the model.
    /// </summary>
    [Fact]
    public async Task FilterThrowsAfterTerminate_Gemini_ConnectorGoesOnAndSoDoesTheBatch()
    {
        await using var server = new LocalModelServer();
        var (plugin, filter, batchDone) = Scene(string.Empty);
        filter.ThrowAfterTerminate = true;
        server.ThenJson(WireFormats.GeminiFunctionCalls(
            new("", "Inventory_Add", """{"a":1,"b":2}"""),
            new("", "Inventory_SetStock", """{"item":"apple","quantity":5}""")))
            .ThenJson(WireFormats.GeminiText("done"));
        var kernel = GeminiKernels.Gemini(server, plugin, before: Registered(filter), configure: ReportTo(batchDone));

        string answer = await TestKernels.AskAsync(kernel, GeminiKernels.GeminiSettings(), streaming: false, NewHistory());
        var report = await batchDone.Task.WaitAsync(TestKernels.SafetyNet);

        Assert.Equal("done", answer);
        Assert.Equal(2, server.Requests.Count);
        Assert.Equal([ToolCallStatus.Failed, ToolCallStatus.Succeeded], report.Calls.Select(c => c.Status)); // the filter's exception escaped the first call's pipeline
        Assert.Equal(5, plugin.Stock["apple"]);

        // Gemini's connector sends an exception as text, not as a function response: only the write's response is a part.
        Assert.Equal([("Inventory_SetStock", "apple=5")], GeminiFunctionResponses(server.Requests[1].Body));
    }

    /// <summary>
    /// After a Terminate, the batch waits for a later call that is still running; cancelling the request ends that wait and the
    /// request with <see cref="OperationCanceledException"/> instead of hanging, on Gemini.
    /// </summary>
    [Fact]
    public async Task FilterTerminates_LaterCallStillRunning_CallerCancels_RequestEndsCancelled_Gemini()
    {
        await using var server = new LocalModelServer();
        var (plugin, filter, batchDone) = Scene(string.Empty);
        filter.TerminateOnceEntered = 2; // the later call has started when the first terminates
        using var cts = new CancellationTokenSource();
        server.ThenJson(WireFormats.GeminiFunctionCalls(new("", "Inventory_Add", """{"a":1,"b":2}"""), new("", "Inventory_WaitForCancellation", "{}")));
        var kernel = GeminiKernels.Gemini(server, plugin, before: Registered(filter), configure: ReportTo(batchDone));
        var run = TestKernels.AskAsync(kernel, GeminiKernels.GeminiSettings(), streaming: false, NewHistory(), cts.Token);

        await plugin.Blocked.Task.WaitAsync(TestKernels.SafetyNet);
        await filter.Terminated.Task.WaitAsync(TestKernels.SafetyNet); // the batch is about to wait for the later call, or waits
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run.WaitAsync(TestKernels.SafetyNet));
        var report = await batchDone.Task.WaitAsync(TestKernels.SafetyNet);
        Assert.Equal(ToolCallStatus.Cancelled, report.Calls.Single(c => c.Request.Name == "WaitForCancellation").Status);
        Assert.Single(server.Requests);
    }

    /// <summary>A Gemini request's last content: the function responses, in order, each with its name and content.</summary>
    private static (string Name, string Content)[] GeminiFunctionResponses(JsonElement request)
    {
        var contents = request.GetProperty("contents").EnumerateArray().ToArray();
        Assert.Contains(contents[^2].GetProperty("parts").EnumerateArray(), p => p.TryGetProperty("functionCall", out _));
        return contents[^1].GetProperty("parts").EnumerateArray()
            .Where(p => p.TryGetProperty("functionResponse", out _))
            .Select(p => p.GetProperty("functionResponse"))
            .Select(r => (r.GetProperty("name").GetString()!, Text(r.GetProperty("response").GetProperty("content"))))
            .ToArray();
    }

    private static string Text(JsonElement content) => content.ValueKind == JsonValueKind.String ? content.GetString()! : content.GetRawText();
}
