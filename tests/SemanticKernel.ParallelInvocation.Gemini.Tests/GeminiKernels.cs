using System;
using System.Net.Http;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.Connectors.Google;
using SemanticKernel.ParallelInvocation.Tests.Contract;

namespace SemanticKernel.ParallelInvocation.SemanticKernelTests.Fakes;

/// <summary>Kernels on Semantic Kernel's real Gemini connector, talking to a <see cref="LocalModelServer"/>.</summary>
internal static class GeminiKernels
{
    public static Kernel Gemini(LocalModelServer server, Inventory inventory, Action<IKernelBuilder>? before = null, Action<ParallelInvocationOptions>? configure = null) =>
        Gemini(server, TestKernels.InventoryPlugin(inventory), before, configure);

    /// <summary>A Gemini kernel whose only plugin is <paramref name="plugin"/> (registered as it is named).</summary>
    public static Kernel Gemini(LocalModelServer server, KernelPlugin plugin, Action<IKernelBuilder>? before = null, Action<ParallelInvocationOptions>? configure = null)
    {
        var builder = Kernel.CreateBuilder();
        builder.AddGoogleAIGeminiChatCompletion("gemini-2.0-flash", apiKey: "test", httpClient: new HttpClient(new RedirectHandler(server.Port)));
        builder.Plugins.Add(plugin);
        before?.Invoke(builder);
        builder.AddParallelFunctionInvocation(configure);
        return builder.Build();
    }

    public static GeminiPromptExecutionSettings GeminiSettings() => new()
    {
        FunctionChoiceBehavior = FunctionChoiceBehavior.Auto(),
    };

}
