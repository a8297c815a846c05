using System;
using System.Linq;
using System.Net.Http;
using System.Threading.Tasks;
using Microsoft.SemanticKernel;
using SemanticKernel.ParallelInvocation.SemanticKernelTests.Fakes;

namespace SemanticKernel.ParallelInvocation.SemanticKernelTests.Connectors;

/// <summary>
/// The IChatClient path (<c>AddOpenAIChatClient</c>): Semantic Kernel's <c>KernelFunctionInvokingChatClient</c> calls the filters one
/// call at a time and builds a new ChatMessageContent for each, so the batch is found through the shared message list.
/// </summary>
public sealed class ChatClientPathTests
{
    [Fact]
    public async Task IndependentReads_ChatClientPath_RunAtTheSameTime()
    {
        await using var server = new LocalModelServer();
        var plugin = new InventoryPlugin { ReadRendezvous = new Rendezvous(2) };
        plugin.Stock["apple"] = 3;
        plugin.Stock["pear"] = 4;
        server.ThenJson(WireFormats.OpenAIToolCalls(new("c1", "Inventory_GetStock", """{"item":"apple"}"""), new("c2", "Inventory_GetStock", """{"item":"pear"}""")))
            .ThenJson(WireFormats.OpenAIText("done"));

        var result = await Kernel(server, plugin).InvokePromptAsync("Check the stock.", new(TestKernels.OpenAISettings(Arrival.Sequential))).WaitAsync(TestKernels.SafetyNet);

        Assert.Equal("done", result.ToString());
        Assert.True(plugin.ReadRendezvous.Met);
        Assert.Equal([("c1", "3"), ("c2", "4")], WireFormats.OpenAIToolResults(server.Requests[1].Body));
    }

    [Fact]
    public async Task ConflictingCalls_ChatClientPath_KeepEmittedOrderAndRunOnce()
    {
        await using var server = new LocalModelServer();
        var plugin = new InventoryPlugin();
        plugin.Stock["apple"] = 1;
        server.ThenJson(WireFormats.OpenAIToolCalls(
                new("c1", "Inventory_SetStock", """{"item":"apple","quantity":5}"""),
                new("c2", "Inventory_GetStock", """{"item":"apple"}"""),
                new("c3", "Inventory_SetStock", """{"item":"apple","quantity":7}"""),
                new("c4", "Inventory_GetStock", """{"item":"apple"}""")))
            .ThenJson(WireFormats.OpenAIText("done"));

        await Kernel(server, plugin).InvokePromptAsync("Restock.", new(TestKernels.OpenAISettings(Arrival.Concurrent))).WaitAsync(TestKernels.SafetyNet);

        Assert.Equal([("c1", "apple=5"), ("c2", "5"), ("c3", "apple=7"), ("c4", "7")], WireFormats.OpenAIToolResults(server.Requests[1].Body));
        Assert.Equal(["set apple=5", "get apple", "set apple=7", "get apple"], plugin.Log);
    }

    private static Kernel Kernel(LocalModelServer server, InventoryPlugin plugin)
    {
        var builder = Microsoft.SemanticKernel.Kernel.CreateBuilder();
        builder.AddOpenAIChatClient("gpt-4o", server.OpenAIEndpoint, apiKey: "test", httpClient: new HttpClient());
        builder.Plugins.AddFromObject(plugin, InventoryPlugin.Name);
        builder.AddParallelFunctionInvocation();
        return builder.Build();
    }
}
