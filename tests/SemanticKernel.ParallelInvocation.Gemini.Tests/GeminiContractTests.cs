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
/// The Gemini connector: calls carry no ids (results are matched by position and function name) and reach the filters one at a time;
/// a call to an unknown function, or whose function throws, gets no function response from the connector.
/// </summary>
public abstract class GeminiConnectorContract(bool streaming) : SemanticKernelContract
{
    protected override bool CallIdsOnWire => false;

    protected override bool AnswersUnknownTools => false;

    /// <summary>The exception reaches Semantic Kernel as it would without ParallelSK, and Gemini's connector writes it as text, not as a function response.</summary>
    protected override bool AnswersThrowingTools => false;

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
        TestKernels.AskAsync(GeminiKernels.Gemini(server, inventory), GeminiKernels.GeminiSettings(), streaming, cancellationToken: cancellationToken);

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
