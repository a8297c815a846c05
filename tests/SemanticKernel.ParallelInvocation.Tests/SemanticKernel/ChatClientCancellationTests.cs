using System;
using System.Collections.Concurrent;
using System.Linq;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.SemanticKernel;
using SemanticKernel.ParallelInvocation.SemanticKernelTests.Fakes;
using SemanticKernel.ParallelInvocation.Tests.Contract;

namespace SemanticKernel.ParallelInvocation.SemanticKernelTests.SemanticKernel;

/// <summary>
/// Semantic Kernel's IChatClient path gives auto-function filters no cancellation token; the filter recovers the request's token with
/// a probe through the function-invocation filters that never runs the function.
/// </summary>
public sealed class ChatClientCancellationTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Probe_NeverRunsTheFunction_FunctionFiltersSeeEachCallOnce(bool chatClientPath)
    {
        await using var server = new LocalModelServer();
        var plugin = new Inventory();
        plugin.Stock["pear"] = 4;
        var seen = new ConcurrentQueue<string>();
        server.ThenJson(WireFormats.OpenAIToolCalls(
                new("c1", Name(chatClientPath, "Add"), """{"a":1,"b":2}"""),
                new("c2", Name(chatClientPath, "GetStock"), """{"item":"pear"}"""),
                new("c3", Name(chatClientPath, "SetStock"), """{"item":"apple","quantity":5}""")))
            .ThenJson(WireFormats.OpenAIText("done"));

        var kernel = Build(server, plugin, chatClientPath, b => b.Services.AddSingleton<IFunctionInvocationFilter>(new SeenFunctionFilter(seen)));
        var result = await kernel.InvokePromptAsync("Go.", new(TestKernels.OpenAISettings(Arrival.Sequential))).WaitAsync(TestKernels.SafetyNet);

        Assert.Contains("done", result.ToString(), StringComparison.Ordinal);
        Assert.Equal(["add 1+2", "get pear", "set apple=5"], plugin.Log.Order(StringComparer.Ordinal));
        Assert.Equal(["Add a,b", "GetStock item", "SetStock item,quantity"], seen.Order(StringComparer.Ordinal));
        var results = TestKernels.Ids(WireFormats.OpenAIToolResults(server.Requests[^1].Body));
        Assert.Equal(["c1", "c2", "c3"], results);
        Assert.Equal(["3", "4", "apple=5"], WireFormats.OpenAIToolResults(server.Requests[^1].Body).Select(r => r.Content));
    }

    [Fact]
    public async Task ChatClientPath_CallerCancelsWhileAToolRuns_ThrowsOperationCanceledWithoutHanging()
    {
        await using var server = new LocalModelServer();
        var plugin = new Inventory();
        server.ThenJson(WireFormats.OpenAIToolCalls(
            new("c1", "Inventory_WaitForCancellation", "{}"),
            new("c2", "Inventory_Add", """{"a":1,"b":1}""")));
        var kernel = Build(server, plugin, chatClientPath: true);
        using var cts = new CancellationTokenSource();

        var run = kernel.InvokePromptAsync("Go.", new(TestKernels.OpenAISettings(Arrival.Sequential)), cancellationToken: cts.Token);
        await plugin.Blocked.Task.WaitAsync(TestKernels.SafetyNet);
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run.WaitAsync(TestKernels.SafetyNet));
        Assert.Single(server.Requests);
        Assert.Equal(1, plugin.Log.Count(l => l == "wait"));
    }

    [Fact]
    public async Task ChatClientPath_AlreadyCancelled_ThrowsOperationCanceledAndRunsNothing()
    {
        await using var server = new LocalModelServer();
        var plugin = new Inventory();
        server.ThenJson(WireFormats.OpenAIToolCalls(new WireCall("c1", "Inventory_Add", """{"a":1,"b":1}""")));
        var kernel = Build(server, plugin, chatClientPath: true);
        using var cts = new CancellationTokenSource();

        // Cancelled once the model has answered, before the first call reaches the filters.
        var probe = new CancelOnFirstCall(cts);
        kernel.AutoFunctionInvocationFilters.Insert(0, probe);
        var run = kernel.InvokePromptAsync("Go.", new(TestKernels.OpenAISettings(Arrival.Sequential)), cancellationToken: cts.Token);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run.WaitAsync(TestKernels.SafetyNet));
        Assert.Empty(plugin.Log);
    }

    private static string Name(bool chatClientPath, string function) => $"Inventory{(chatClientPath ? '_' : '-')}{function}";

    private static Kernel Build(LocalModelServer server, Inventory plugin, bool chatClientPath, Action<IKernelBuilder>? before = null)
    {
        var builder = Kernel.CreateBuilder();
        if (chatClientPath)
        {
            builder.AddOpenAIChatClient("gpt-4o", server.OpenAIEndpoint, apiKey: "test", httpClient: new HttpClient());
        }
        else
        {
            builder.AddOpenAIChatCompletion("gpt-4o", server.OpenAIEndpoint, apiKey: "test", httpClient: new HttpClient());
        }

        builder.Plugins.Add(TestKernels.InventoryPlugin(plugin));
        before?.Invoke(builder);
        builder.AddParallelFunctionInvocation();
        return builder.Build();
    }

    private sealed class SeenFunctionFilter(ConcurrentQueue<string> seen) : IFunctionInvocationFilter
    {
        public Task OnFunctionInvocationAsync(FunctionInvocationContext context, Func<FunctionInvocationContext, Task> next)
        {
            if (context.Function.PluginName == TestKernels.InventoryPluginName)
            {
                seen.Enqueue($"{context.Function.Name} {string.Join(',', context.Arguments.Keys.Order(StringComparer.Ordinal))}");
            }

            return next(context);
        }
    }

    private sealed class CancelOnFirstCall(CancellationTokenSource cts) : IAutoFunctionInvocationFilter
    {
        public async Task OnAutoFunctionInvocationAsync(AutoFunctionInvocationContext context, Func<AutoFunctionInvocationContext, Task> next)
        {
            await cts.CancelAsync();
            await next(context);
        }
    }
}
