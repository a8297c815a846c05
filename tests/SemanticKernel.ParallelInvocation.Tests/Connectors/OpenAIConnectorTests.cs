using System;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.SemanticKernel;
using SemanticKernel.ParallelInvocation.SemanticKernelTests.Fakes;
using SemanticKernel.ParallelInvocation.Tests.Contract;

namespace SemanticKernel.ParallelInvocation.SemanticKernelTests.Connectors;

/// <summary>
/// Semantic Kernel's real OpenAI connector against a local server replaying chat-completions responses with several tool calls in one
/// assistant message, non-streaming and streaming, with calls reaching the filter together and one at a time. What every host must do is in
/// the contract (<c>OpenAI*ContractTests</c>); these are the OpenAI-specific cases.
/// </summary>
public sealed class OpenAIConnectorTests
{
    public static TheoryData<Arrival, bool> Modes => new()
    {
        { Arrival.Concurrent, false },
        { Arrival.Concurrent, true },
        { Arrival.Sequential, false },
        { Arrival.Sequential, true },
    };

    /// <summary>The control for the contract's <c>Turn_IndependentReads_RunAtTheSameTime</c>: without the filter, Semantic Kernel runs the reads one after another, so they never meet.</summary>
    [Fact]
    public async Task IndependentReads_WithoutTheFilter_NeverRunAtTheSameTime()
    {
        await using var server = new LocalModelServer();
        var plugin = new Inventory { ReadRendezvous = new Rendezvous(2, TimeSpan.FromSeconds(1)) };
        Script(server, streaming: false, new("call_1", "Inventory-GetStock", """{"item":"apple"}"""), new("call_2", "Inventory-GetStock", """{"item":"pear"}"""));
        var builder = Kernel.CreateBuilder();
        builder.AddOpenAIChatCompletion("gpt-4o", server.OpenAIEndpoint, apiKey: "test", httpClient: new System.Net.Http.HttpClient());
        builder.Plugins.Add(TestKernels.InventoryPlugin(plugin));

        await TestKernels.AskAsync(builder.Build(), TestKernels.OpenAISettings(Arrival.Sequential), streaming: false);

        Assert.False(plugin.ReadRendezvous.Met);
        Assert.StartsWith("Error:", WireFormats.OpenAIToolResults(server.Requests[1].Body)[0].Content, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task CallsSemanticKernelRejects_AnyArrival_NeitherRunNorBlockTheRest(Arrival arrival, bool streaming)
    {
        await using var server = new LocalModelServer();
        var plugin = new Inventory();
        plugin.Stock["apple"] = 3;
        Script(
            server,
            streaming,
            new("c1", "Inventory-Nope", "{}"),
            new("c2", "Inventory-SetStock", """{"item":"apple","quantity":"""),
            new("c3", "Inventory-Explode", "{}"),
            new("c4", "Inventory-GetStock", """{"item":"apple"}"""));
        var kernel = TestKernels.OpenAI(server, plugin);
        var advertised = new[] { TestKernels.Function(kernel, "GetStock"), TestKernels.Function(kernel, "SetStock") };

        await TestKernels.AskAsync(kernel, TestKernels.OpenAISettings(arrival, advertised), streaming);

        var results = WireFormats.OpenAIToolResults(server.Requests[1].Body);
        Assert.Equal(["c1", "c2", "c3", "c4"], TestKernels.Ids(results));
        Assert.All(results.Take(3), r => Assert.StartsWith("Error:", r.Content, StringComparison.Ordinal));
        Assert.Equal("3", results[3].Content);
        Assert.Equal(["get apple"], plugin.Log);
    }

    private static void Script(LocalModelServer server, bool streaming, params WireCall[] calls)
    {
        if (streaming)
        {
            server.ThenSse(WireFormats.OpenAIStreamingToolCalls(calls)).ThenSse(WireFormats.OpenAIStreamingText("done"));
        }
        else
        {
            server.ThenJson(WireFormats.OpenAIToolCalls(calls)).ThenJson(WireFormats.OpenAIText("done"));
        }
    }
}
