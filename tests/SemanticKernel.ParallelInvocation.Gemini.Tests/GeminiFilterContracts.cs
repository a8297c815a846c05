using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using System.Threading.Tasks;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;
using Microsoft.SemanticKernel.Connectors.Google;
using SemanticKernel.ParallelInvocation.SemanticKernelTests.Fakes;

namespace SemanticKernel.ParallelInvocation.SemanticKernelTests.FilterContract;

/// <summary>
/// The filter contract on Semantic Kernel's real Gemini connector (calls without ids, delivered one at a time, filters given no execution
/// settings), against the local server replaying <c>generateContent</c> and its server-sent-events variant.
/// </summary>
public abstract class GeminiFilterContract(bool streaming) : FilterContract
{
    protected override bool CallIdsOnWire => false;

    /// <summary>Gemini's connector never sets <c>IsStreaming</c> on filter contexts.</summary>
    protected override bool FiltersSeeStreaming => false;

    protected override bool EscapedExceptionIsAResult => false;

    protected override string EscapedExceptionText(string message) => $"Error: Exception while invoking function. {message}";

    private static GeminiPromptExecutionSettings Settings => new() { FunctionChoiceBehavior = FunctionChoiceBehavior.Auto() };

    private protected override async Task<ContractTurn> RunTurnAsync(
        bool withParallelSK, ContractPlugin plugin, IReadOnlyList<IAutoFunctionInvocationFilter> filters, IReadOnlyList<ContractCall> calls, int turns = 1)
    {
        await using var server = new LocalModelServer();
        string toolTurn = WireFormats.GeminiFunctionCalls(ContractHost.Wire(calls, '_').Select(c => c with { Id = string.Empty }).ToArray());
        string text = WireFormats.GeminiText("done");
        for (int i = 0; i < turns; i++)
        {
            _ = streaming ? server.ThenSse(WireFormats.GeminiStreaming(toolTurn)) : server.ThenJson(toolTurn);
        }

        for (int i = 0; i < turns; i++)
        {
            _ = streaming ? server.ThenSse(WireFormats.GeminiStreaming(text)) : server.ThenJson(text);
        }

        var kernel = ContractHost.Build(
            b => b.AddGoogleAIGeminiChatCompletion("gemini-2.0-flash", apiKey: "test", httpClient: new HttpClient(new RedirectHandler(server.Port))),
            plugin,
            filters,
            withParallelSK);
        var history = ContractHost.NewHistory();
        int from = history.Count;

        await TestKernels.AskAsync(kernel, Settings, streaming, history);

        return new ContractTurn(Results(history, from), server.Requests.Count, kernel, ContractHost.HistoryToolText(history, from));
    }

    /// <summary>The function responses of the tool message after the first assistant message with calls (Gemini's one message per batch).</summary>
    private static List<ContractResult> Results(ChatHistory history, int from) =>
        history.Skip(from)
            .SkipWhile(m => !m.Items.OfType<FunctionCallContent>().Any())
            .Skip(1)
            .TakeWhile(m => m.Role == AuthorRole.Tool)
            .OfType<GeminiChatMessageContent>()
            .SelectMany(m => m.CalledToolResults ?? [])
            .Select(r => new ContractResult(null, r.FullyQualifiedName.Split('_')[^1], ContractHost.Text(r.FunctionResult)))
            .ToList();

    private protected override Task<string> AskNestedAsync(Kernel kernel) => TestKernels.AskAsync(kernel, Settings, streaming);
}

public sealed class GeminiFilterContractTests() : GeminiFilterContract(streaming: false);

public sealed class GeminiStreamingFilterContractTests() : GeminiFilterContract(streaming: true);
