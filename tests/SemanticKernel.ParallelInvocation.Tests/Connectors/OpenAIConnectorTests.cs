using System;
using System.Collections.Concurrent;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.SemanticKernel;
using SemanticKernel.ParallelInvocation.SemanticKernelTests.Fakes;

namespace SemanticKernel.ParallelInvocation.SemanticKernelTests.Connectors;

/// <summary>
/// Semantic Kernel's real OpenAI connector against a local server replaying chat-completions responses with several tool calls in one
/// assistant message, non-streaming and streaming, with calls reaching the filter together and one at a time.
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

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task IndependentReads_AnyArrival_RunAtTheSameTime(Arrival arrival, bool streaming)
    {
        await using var server = new LocalModelServer();
        var plugin = new InventoryPlugin { ReadRendezvous = new Rendezvous(2) };
        plugin.Stock["apple"] = 3;
        plugin.Stock["pear"] = 4;
        Script(server, streaming, new("call_1", "Inventory-GetStock", """{"item":"apple"}"""), new("call_2", "Inventory-GetStock", """{"item":"pear"}"""));

        string answer = await TestKernels.AskAsync(TestKernels.OpenAI(server, plugin), TestKernels.OpenAISettings(arrival), streaming);

        Assert.Equal("done", answer);
        Assert.True(plugin.ReadRendezvous.Met);
        Assert.Equal([("call_1", "3"), ("call_2", "4")], WireFormats.OpenAIToolResults(server.Requests[1].Body));
    }

    /// <summary>The control for the test above: without the filter, Semantic Kernel runs the reads one after another, so they never meet.</summary>
    [Fact]
    public async Task IndependentReads_WithoutTheFilter_NeverRunAtTheSameTime()
    {
        await using var server = new LocalModelServer();
        var plugin = new InventoryPlugin { ReadRendezvous = new Rendezvous(2, TimeSpan.FromSeconds(1)) };
        Script(server, streaming: false, new("call_1", "Inventory-GetStock", """{"item":"apple"}"""), new("call_2", "Inventory-GetStock", """{"item":"pear"}"""));
        var builder = Kernel.CreateBuilder();
        builder.AddOpenAIChatCompletion("gpt-4o", server.OpenAIEndpoint, apiKey: "test", httpClient: new System.Net.Http.HttpClient());
        builder.Plugins.AddFromObject(plugin, InventoryPlugin.Name);

        await TestKernels.AskAsync(builder.Build(), TestKernels.OpenAISettings(Arrival.Sequential), streaming: false);

        Assert.False(plugin.ReadRendezvous.Met);
        Assert.StartsWith("Error:", WireFormats.OpenAIToolResults(server.Requests[1].Body)[0].Content, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task ConflictingCalls_AnyArrival_KeepEmittedOrderAndAnswerEveryIdOnce(Arrival arrival, bool streaming)
    {
        await using var server = new LocalModelServer();
        var plugin = new InventoryPlugin();
        plugin.Stock["apple"] = 1;
        plugin.Stock["pear"] = 4;
        Script(
            server,
            streaming,
            new("c1", "Inventory-SetStock", """{"item":"apple","quantity":5}"""),
            new("c2", "Inventory-GetStock", """{"item":"apple"}"""),
            new("c3", "Inventory-SetStock", """{"item":"apple","quantity":7}"""),
            new("c4", "Inventory-GetStock", """{"item":"apple"}"""),
            new("c5", "Inventory-GetStock", """{"item":"pear"}"""),
            new("c6", "Inventory-Add", """{"a":2,"b":3}"""));

        await TestKernels.AskAsync(TestKernels.OpenAI(server, plugin), TestKernels.OpenAISettings(arrival), streaming);

        var results = WireFormats.OpenAIToolResults(server.Requests[1].Body);
        Assert.Equal([("c1", "apple=5"), ("c2", "5"), ("c3", "apple=7"), ("c4", "7"), ("c5", "4"), ("c6", "5")], results);
        Assert.Equal(["set apple=5", "get apple", "set apple=7", "get apple"], plugin.Log.Where(e => e.Contains("apple", StringComparison.Ordinal)));
        Assert.Equal(6, plugin.Log.Count);
        Assert.Equal(7, plugin.Stock["apple"]);
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task ThrowingTool_AnyArrival_BecomesErrorResultAndConversationCompletes(Arrival arrival, bool streaming)
    {
        await using var server = new LocalModelServer();
        var plugin = new InventoryPlugin();
        plugin.Stock["pear"] = 4;
        Script(server, streaming, new("c1", "Inventory-Explode", "{}"), new("c2", "Inventory-GetStock", """{"item":"pear"}"""));

        string answer = await TestKernels.AskAsync(TestKernels.OpenAI(server, plugin), TestKernels.OpenAISettings(arrival), streaming);

        Assert.Equal("done", answer);
        var results = WireFormats.OpenAIToolResults(server.Requests[1].Body);
        Assert.Equal(["c1", "c2"], TestKernels.Ids(results));
        Assert.StartsWith("Error:", results[0].Content, StringComparison.Ordinal);
        Assert.DoesNotContain("boom", results[0].Content, StringComparison.Ordinal);
        Assert.Equal("4", results[1].Content);
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task CallerCancellation_WhileToolRuns_ThrowsOperationCanceled(Arrival arrival, bool streaming)
    {
        await using var server = new LocalModelServer();
        var plugin = new InventoryPlugin();
        Script(server, streaming, new("c1", "Inventory-WaitForCancellation", "{}"), new("c2", "Inventory-Add", """{"a":1,"b":1}"""));
        using var cts = new CancellationTokenSource();
        var kernel = TestKernels.OpenAI(server, plugin);

        var ask = TestKernels.AskAsync(kernel, TestKernels.OpenAISettings(arrival), streaming, cancellationToken: cts.Token);
        await plugin.Blocked.Task.WaitAsync(TestKernels.SafetyNet);
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => ask.WaitAsync(TestKernels.SafetyNet));
        Assert.Single(server.Requests);
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task CallsSemanticKernelRejects_AnyArrival_NeitherRunNorBlockTheRest(Arrival arrival, bool streaming)
    {
        await using var server = new LocalModelServer();
        var plugin = new InventoryPlugin();
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
