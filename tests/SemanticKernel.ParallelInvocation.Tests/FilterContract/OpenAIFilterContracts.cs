using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using System.Threading.Tasks;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.Connectors.OpenAI;
using SemanticKernel.ParallelInvocation.SemanticKernelTests.Fakes;
using ChatResponse = Microsoft.Extensions.AI.ChatResponse;
using ChatResponseUpdate = Microsoft.Extensions.AI.ChatResponseUpdate;
using ChatRole = Microsoft.Extensions.AI.ChatRole;
using MeaiCallContent = Microsoft.Extensions.AI.FunctionCallContent;
using MeaiResultContent = Microsoft.Extensions.AI.FunctionResultContent;

namespace SemanticKernel.ParallelInvocation.SemanticKernelTests.FilterContract;

/// <summary>The filter contract on Semantic Kernel's real OpenAI connector (its function-calls processor), against the local server.</summary>
public abstract class OpenAIFilterContract(bool concurrent, bool streaming) : FilterContract
{
    protected override bool DeliversConcurrently => concurrent;

    protected override bool FiltersSeeStreaming => streaming;

    protected override string EscapedExceptionText(string message) => $"Error: Exception while invoking function. {message}";

    private OpenAIPromptExecutionSettings Settings => new()
    {
        FunctionChoiceBehavior = concurrent
            ? FunctionChoiceBehavior.Auto(options: new() { AllowParallelCalls = true, AllowConcurrentInvocation = true })
            : FunctionChoiceBehavior.Auto(),
    };

    private protected override async Task<ContractTurn> RunTurnAsync(
        bool withParallelSK, ContractPlugin plugin, IReadOnlyList<IAutoFunctionInvocationFilter> filters, IReadOnlyList<ContractCall> calls, int turns = 1)
    {
        await using var server = new LocalModelServer();
        ContractHost.ScriptOpenAI(server, calls, '-', streaming, turns);
        var kernel = ContractHost.Build(
            b => b.AddOpenAIChatCompletion("gpt-4o", server.OpenAIEndpoint, apiKey: "test", httpClient: new HttpClient()), plugin, filters, withParallelSK);
        var history = ContractHost.NewHistory();
        int from = history.Count;

        await TestKernels.AskAsync(kernel, Settings, streaming, history);

        return new ContractTurn(ContractHost.HistoryResults(history, from), server.Requests.Count, kernel);
    }

    private protected override Task<string> AskNestedAsync(Kernel kernel) => TestKernels.AskAsync(kernel, Settings, streaming);
}

public sealed class OpenAIConcurrentFilterContractTests() : OpenAIFilterContract(concurrent: true, streaming: false);

public sealed class OpenAIConcurrentStreamingFilterContractTests() : OpenAIFilterContract(concurrent: true, streaming: true);

public sealed class OpenAIOneAtATimeFilterContractTests() : OpenAIFilterContract(concurrent: false, streaming: false);

public sealed class OpenAIOneAtATimeStreamingFilterContractTests() : OpenAIFilterContract(concurrent: false, streaming: true);

/// <summary>
/// The filter contract on Semantic Kernel's IChatClient path (<c>AddOpenAIChatClient</c>: Semantic Kernel's function-invoking chat client over
/// Microsoft.Extensions.AI's serial loop), through <c>InvokePromptAsync</c> and <c>InvokePromptStreamingAsync</c>.
/// </summary>
public abstract class ChatClientFilterContract(bool streaming) : FilterContract
{
    protected override bool FiltersSeeStreaming => streaming;

    protected override string EscapedExceptionText(string message) => "Error: Function failed.";

    protected override string NoValueText => "Success: Function completed.";

    private static PromptExecutionSettings Settings => new() { FunctionChoiceBehavior = FunctionChoiceBehavior.Auto() };

    private protected override async Task<ContractTurn> RunTurnAsync(
        bool withParallelSK, ContractPlugin plugin, IReadOnlyList<IAutoFunctionInvocationFilter> filters, IReadOnlyList<ContractCall> calls, int turns = 1)
    {
        await using var server = new LocalModelServer();
        ContractHost.ScriptOpenAI(server, calls, '_', streaming, turns);
        var kernel = ContractHost.Build(
            b => b.AddOpenAIChatClient("gpt-4o", server.OpenAIEndpoint, apiKey: "test", httpClient: new HttpClient()), plugin, filters, withParallelSK);

        var response = await AskAsync(kernel);

        return new ContractTurn(Results(response), server.Requests.Count, kernel);
    }

    private protected override async Task<string> AskNestedAsync(Kernel kernel) => (await AskAsync(kernel)).Text;

    private async Task<ChatResponse> AskAsync(Kernel kernel)
    {
        if (!streaming)
        {
            var result = await kernel.InvokePromptAsync("Go.", new(Settings)).WaitAsync(TestKernels.SafetyNet);
            return Assert.IsType<ChatResponse>(result.GetValue<ChatResponse>());
        }

        return await ReadAsync().WaitAsync(TestKernels.SafetyNet);

        async Task<ChatResponse> ReadAsync()
        {
            var updates = new List<ChatResponseUpdate>();
            await foreach (var update in kernel.InvokePromptStreamingAsync<ChatResponseUpdate>("Go.", new(Settings)))
            {
                updates.Add(update);
            }

            return Microsoft.Extensions.AI.ChatResponseExtensions.ToChatResponse(updates);
        }
    }

    /// <summary>The results of the first assistant message with calls: the tool messages that follow it.</summary>
    private static List<ContractResult> Results(ChatResponse response)
    {
        var messages = response.Messages;
        int start = 0;
        while (start < messages.Count && !messages[start].Contents.OfType<MeaiCallContent>().Any())
        {
            start++;
        }

        var names = messages.Count > start ? messages[start].Contents.OfType<MeaiCallContent>().ToDictionary(c => c.CallId, c => c.Name) : [];
        var results = new List<ContractResult>();
        for (int i = start + 1; i < messages.Count && messages[i].Role == ChatRole.Tool; i++)
        {
            foreach (var result in messages[i].Contents.OfType<MeaiResultContent>())
            {
                results.Add(new ContractResult(result.CallId, names.GetValueOrDefault(result.CallId, string.Empty), ContractHost.Text(result.Result)));
            }
        }

        return results;
    }
}

public sealed class ChatClientFilterContractTests() : ChatClientFilterContract(streaming: false);

public sealed class ChatClientStreamingFilterContractTests() : ChatClientFilterContract(streaming: true);
