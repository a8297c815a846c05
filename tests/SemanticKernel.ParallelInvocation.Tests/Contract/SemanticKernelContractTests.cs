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

/// <summary>The OpenAI connector (<c>AddOpenAIChatCompletion</c>): calls reach the filters together or one at a time, streaming or not.</summary>
public abstract class OpenAIConnectorContract(Arrival arrival, bool streaming) : SemanticKernelContract
{
    protected override char Separator => '-';

    /// <summary>The exception reaches Semantic Kernel as it would without ParallelSK, and its function-calls processor writes its message.</summary>
    protected override bool HidesExceptionMessages => false;

    private protected override void Script(LocalModelServer server, WireCall[] calls) => ScriptOpenAI(server, streaming, calls);

    private protected override Task<string> AskAsync(LocalModelServer server, Inventory inventory, CancellationToken cancellationToken) =>
        TestKernels.AskAsync(TestKernels.OpenAI(server, inventory), TestKernels.OpenAISettings(arrival), streaming, cancellationToken: cancellationToken);

    protected override IReadOnlyList<ContractResult> ReadResults(JsonElement request) => OpenAIResults(request);
}

public sealed class OpenAIConcurrentContractTests() : OpenAIConnectorContract(Arrival.Concurrent, streaming: false);

public sealed class OpenAIConcurrentStreamingContractTests() : OpenAIConnectorContract(Arrival.Concurrent, streaming: true);

public sealed class OpenAISequentialContractTests() : OpenAIConnectorContract(Arrival.Sequential, streaming: false);

public sealed class OpenAISequentialStreamingContractTests() : OpenAIConnectorContract(Arrival.Sequential, streaming: true);

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
