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
