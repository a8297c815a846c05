using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;
using Microsoft.SemanticKernel.Connectors.OpenAI;
using SemanticKernel.ParallelInvocation.Tests.Contract;

namespace SemanticKernel.ParallelInvocation.SemanticKernelTests.Fakes;

/// <summary>How Semantic Kernel hands a batch to the filters.</summary>
public enum Arrival
{
    /// <summary>All filter invocations of a batch start together (OpenAI with <c>AllowConcurrentInvocation</c>, via <see cref="ParallelFunctionChoiceBehavior"/>).</summary>
    Concurrent,

    /// <summary>One filter invocation at a time, each after the previous finished (<c>FunctionChoiceBehavior.Auto()</c> without options).</summary>
    Sequential,
}

/// <summary>Kernels on Semantic Kernel's real connectors, talking to a <see cref="LocalModelServer"/>.</summary>
internal static class TestKernels
{
    public const string InventoryPluginName = "Inventory";

    public static readonly TimeSpan SafetyNet = TimeSpan.FromSeconds(60);

    /// <summary>The contract's inventory as a plugin: one function a method, named after it, its effect attributes read from the method.</summary>
    public static KernelPlugin InventoryPlugin(Inventory inventory) =>
        KernelPluginFactory.CreateFromFunctions(InventoryPluginName, Inventory.Tools.Select(m => KernelFunctionFactory.CreateFromMethod(m, inventory)));

    public static Kernel OpenAI(
        LocalModelServer server,
        Inventory inventory,
        Action<IKernelBuilder>? before = null,
        Action<ParallelInvocationOptions>? configure = null,
        Action<IKernelBuilder>? after = null)
    {
        var builder = Kernel.CreateBuilder();
        builder.AddOpenAIChatCompletion("gpt-4o", server.OpenAIEndpoint, apiKey: "test", httpClient: new HttpClient());
        builder.Plugins.Add(InventoryPlugin(inventory));
        before?.Invoke(builder);
        builder.AddParallelFunctionInvocation(configure);
        after?.Invoke(builder);
        return builder.Build();
    }

    public static OpenAIPromptExecutionSettings OpenAISettings(Arrival arrival, IEnumerable<KernelFunction>? functions = null) => new()
    {
        FunctionChoiceBehavior = arrival == Arrival.Concurrent ? ParallelFunctionChoiceBehavior.Auto(functions) : FunctionChoiceBehavior.Auto(functions),
    };

    /// <summary>Runs one user turn to its end, streaming or not, and returns the final text.</summary>
    public static async Task<string> AskAsync(Kernel kernel, PromptExecutionSettings settings, bool streaming, ChatHistory? history = null, CancellationToken cancellationToken = default)
    {
        history ??= new ChatHistory("You manage an inventory.");
        if (history.Count < 2)
        {
            history.AddUserMessage("Check the stock.");
        }

        var chat = kernel.GetRequiredService<IChatCompletionService>();
        if (!streaming)
        {
            var reply = await chat.GetChatMessageContentAsync(history, settings, kernel, cancellationToken).WaitAsync(SafetyNet, CancellationToken.None);
            return reply.Content ?? string.Empty;
        }

        return await ReadAsync().WaitAsync(SafetyNet, CancellationToken.None);

        async Task<string> ReadAsync()
        {
            var text = new System.Text.StringBuilder();
            await foreach (var update in chat.GetStreamingChatMessageContentsAsync(history, settings, kernel, cancellationToken).WithCancellation(cancellationToken))
            {
                text.Append(update.Content);
            }

            return text.ToString();
        }
    }

    /// <summary>Collects the reports of the batches a kernel ran.</summary>
    public static Action<ParallelInvocationOptions> CollectReports(ConcurrentQueue<BatchReport> reports) =>
        options => options.OnBatchCompleted = reports.Enqueue;

    public static KernelFunction Function(Kernel kernel, string name) => kernel.Plugins.GetFunction(InventoryPluginName, name);

    public static string[] Ids(IEnumerable<(string Id, string Content)> results) => results.Select(r => r.Id).ToArray();
}
