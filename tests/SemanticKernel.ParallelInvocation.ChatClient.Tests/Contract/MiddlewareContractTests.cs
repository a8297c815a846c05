using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;
using SemanticKernel.ParallelInvocation.Tests.Contract;

namespace SemanticKernel.ParallelInvocation.ChatClient.Tests.Contract;

/// <summary>
/// The contract through <see cref="ParallelFunctionInvokingChatClient"/> over a scripted model: the inventory's methods become tools with
/// <c>AIFunctionFactory.Create(method, target)</c>, so their attributes are the declarations, and the results are read from the tool
/// message of the follow-up request.
/// </summary>
public abstract class MiddlewareContract(bool streaming) : ParallelToolCallingContract
{
    protected override async Task<ContractReply> RunTurnAsync(Inventory inventory, IReadOnlyList<ContractCall> calls, CancellationToken cancellationToken)
    {
        var turn = calls.Select(c => new FunctionCallContent(c.Id, c.Tool, JsonSerializer.Deserialize<Dictionary<string, object?>>(c.ArgumentsJson))).ToArray();
        var model = new ScriptedChatClient().Then(Turn.Calls(turn)).Then(Turn.Text(FinalAnswer));
        using var client = model.AsParallelFunctionInvoking();
        var tools = Inventory.Tools.Select(m => (AITool)AIFunctionFactory.Create(m, inventory)).ToArray();

        var response = await Harness.RunAsync(client, streaming, Harness.With(tools), cancellationToken);

        var results = Harness.ToolMessageSent(model, 1).Contents.OfType<FunctionResultContent>();
        return new ContractReply(response.Text, results.Select(r => new ContractResult(r.CallId, null, r.Result?.ToString() ?? string.Empty)).ToList());
    }
}

public sealed class MiddlewareContractTests() : MiddlewareContract(streaming: false);

public sealed class MiddlewareStreamingContractTests() : MiddlewareContract(streaming: true);
