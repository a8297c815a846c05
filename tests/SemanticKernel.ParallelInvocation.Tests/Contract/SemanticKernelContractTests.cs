using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.SemanticKernel;
using SemanticKernel.ParallelInvocation.SemanticKernelTests.Fakes;
using SemanticKernel.ParallelInvocation.Tests.Contract;

namespace SemanticKernel.ParallelInvocation.SemanticKernelTests.Contract;

/// <summary>
/// The contract through the Semantic Kernel filter on one of Semantic Kernel's real connectors, against a <see cref="LocalModelServer"/>
/// replaying the turn in the provider's wire format. The inventory's methods become a plugin (<see cref="TestKernels.InventoryPlugin"/>),
/// so their attributes are the declarations, and the results are read from the follow-up request's body.
/// </summary>
public abstract class SemanticKernelContract : ParallelToolCallingContract
{
    /// <summary>Gets the character Semantic Kernel puts between plugin and function name in what it advertises.</summary>
    protected abstract char Separator { get; }

    protected override async Task<ContractReply> RunTurnAsync(Inventory inventory, IReadOnlyList<ContractCall> calls, CancellationToken cancellationToken)
    {
        await using var server = new LocalModelServer();
        var wire = calls.Select(c => new WireCall(c.Id, TestKernels.InventoryPluginName + Separator + c.Tool, c.ArgumentsJson)).ToArray();
        Script(server, wire);

        string text = await AskAsync(server, inventory, cancellationToken);

        Assert.Equal(2, server.Requests.Count);
        return new ContractReply(text, ReadResults(server.Requests[1].Body));
    }

    /// <summary>Queues the tool turn and then a text answer of <see cref="ParallelToolCallingContract.FinalAnswer"/>.</summary>
    private protected abstract void Script(LocalModelServer server, WireCall[] calls);

    /// <summary>Runs one request on a kernel with the inventory plugin and the filter, and returns the final text.</summary>
    private protected abstract Task<string> AskAsync(LocalModelServer server, Inventory inventory, CancellationToken cancellationToken);

    /// <summary>The results in the follow-up request, in order.</summary>
    protected abstract IReadOnlyList<ContractResult> ReadResults(JsonElement request);

    protected static IReadOnlyList<ContractResult> OpenAIResults(JsonElement request) =>
        WireFormats.OpenAIToolResults(request).Select(r => new ContractResult(r.Id, null, r.Content)).ToList();

    private protected static void ScriptOpenAI(LocalModelServer server, bool streaming, WireCall[] calls)
    {
        if (streaming)
        {
            server.ThenSse(WireFormats.OpenAIStreamingToolCalls(calls)).ThenSse(WireFormats.OpenAIStreamingText(FinalAnswer));
        }
        else
        {
            server.ThenJson(WireFormats.OpenAIToolCalls(calls)).ThenJson(WireFormats.OpenAIText(FinalAnswer));
        }
    }
}

/// <summary>The OpenAI connector (<c>AddOpenAIChatCompletion</c>): calls reach the filters together or one at a time, streaming or not.</summary>
public abstract class OpenAIConnectorContract(Arrival arrival, bool streaming) : SemanticKernelContract
{
    protected override char Separator => '-';

    private protected override void Script(LocalModelServer server, WireCall[] calls) => ScriptOpenAI(server, streaming, calls);

    private protected override Task<string> AskAsync(LocalModelServer server, Inventory inventory, CancellationToken cancellationToken) =>
        TestKernels.AskAsync(TestKernels.OpenAI(server, inventory), TestKernels.OpenAISettings(arrival), streaming, cancellationToken: cancellationToken);

    protected override IReadOnlyList<ContractResult> ReadResults(JsonElement request) => OpenAIResults(request);
}

public sealed class OpenAIConcurrentContractTests() : OpenAIConnectorContract(Arrival.Concurrent, streaming: false);

public sealed class OpenAIConcurrentStreamingContractTests() : OpenAIConnectorContract(Arrival.Concurrent, streaming: true);

public sealed class OpenAISequentialContractTests() : OpenAIConnectorContract(Arrival.Sequential, streaming: false);

public sealed class OpenAISequentialStreamingContractTests() : OpenAIConnectorContract(Arrival.Sequential, streaming: true);

/// <summary>
/// The Gemini connector: calls carry no ids (results are matched by position and function name) and reach the filters one at a time;
/// a call to an unknown function is dropped by the connector, so it gets no result at all.
/// </summary>
public abstract class GeminiConnectorContract(bool streaming) : SemanticKernelContract
{
    protected override bool CallIdsOnWire => false;

    protected override bool AnswersUnknownTools => false;

    protected override char Separator => '_';

    private protected override void Script(LocalModelServer server, WireCall[] calls)
    {
        if (streaming)
        {
            server.ThenSse(WireFormats.GeminiStreaming(WireFormats.GeminiFunctionCalls(calls))).ThenSse(WireFormats.GeminiStreaming(WireFormats.GeminiText(FinalAnswer)));
        }
        else
        {
            server.ThenJson(WireFormats.GeminiFunctionCalls(calls)).ThenJson(WireFormats.GeminiText(FinalAnswer));
        }
    }

    private protected override Task<string> AskAsync(LocalModelServer server, Inventory inventory, CancellationToken cancellationToken) =>
        TestKernels.AskAsync(TestKernels.Gemini(server, inventory), TestKernels.GeminiSettings(), streaming, cancellationToken: cancellationToken);

    protected override IReadOnlyList<ContractResult> ReadResults(JsonElement request)
    {
        // The follow-up request ends with one content whose parts are the function responses, in order.
        var contents = request.GetProperty("contents").EnumerateArray().ToArray();
        Assert.Contains(contents[^2].GetProperty("parts").EnumerateArray(), p => p.TryGetProperty("functionCall", out _));
        string prefix = TestKernels.InventoryPluginName + Separator;
        return contents[^1].GetProperty("parts").EnumerateArray()
            .Where(p => p.TryGetProperty("functionResponse", out _))
            .Select(p => p.GetProperty("functionResponse"))
            .Select(r => new ContractResult(null, r.GetProperty("name").GetString()!.Replace(prefix, string.Empty, StringComparison.Ordinal), Text(r.GetProperty("response").GetProperty("content"))))
            .ToList();
    }

    private static string Text(JsonElement content) => content.ValueKind == JsonValueKind.String ? content.GetString()! : content.GetRawText();
}

public sealed class GeminiConnectorContractTests() : GeminiConnectorContract(streaming: false);

/// <summary>Gemini's <c>streamGenerateContent</c>: the connector rebuilds the assistant message from the streamed chunks.</summary>
public sealed class GeminiStreamingConnectorContractTests() : GeminiConnectorContract(streaming: true);

/// <summary>The IChatClient path (<c>AddOpenAIChatClient</c>, Semantic Kernel's own function-invoking chat client), through <c>InvokePromptAsync</c>.</summary>
public sealed class ChatClientPathContractTests : SemanticKernelContract
{
    protected override char Separator => '_';

    private protected override void Script(LocalModelServer server, WireCall[] calls) => ScriptOpenAI(server, streaming: false, calls);

    private protected override async Task<string> AskAsync(LocalModelServer server, Inventory inventory, CancellationToken cancellationToken)
    {
        var builder = Kernel.CreateBuilder();
        builder.AddOpenAIChatClient("gpt-4o", server.OpenAIEndpoint, apiKey: "test", httpClient: new HttpClient());
        builder.Plugins.Add(TestKernels.InventoryPlugin(inventory));
        builder.AddParallelFunctionInvocation();
        var result = await builder.Build().InvokePromptAsync("Check the stock.", new(TestKernels.OpenAISettings(Arrival.Sequential)), cancellationToken: cancellationToken);
        return result.ToString();
    }

    protected override IReadOnlyList<ContractResult> ReadResults(JsonElement request) => OpenAIResults(request);
}
