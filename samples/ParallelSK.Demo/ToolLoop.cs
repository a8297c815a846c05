using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;
using ParallelSK.Demo.Model;
using SemanticKernel.ParallelInvocation;

namespace ParallelSK.Demo;

/// <summary>
/// The tool loop is ParallelSK's middleware: it asks the model, runs each batch of calls the model returns through the engine, sends
/// the results back in one message, and repeats until the model answers in text. The demo only adds a progress line underneath it.
/// </summary>
internal static class ToolLoop
{
    public static async Task<ChatResponse> RunAsync(IChatClient model, List<ChatMessage> messages, IReadOnlyList<AIFunction> tools, ParallelInvocationOptions options, System.Action<string>? progress, CancellationToken cancellationToken)
    {
        using var client = new ParallelFunctionInvokingChatClient(new ProgressChatClient(model, progress), options);
        return await client.GetResponseAsync(messages, new ChatOptions { Tools = [.. tools] }, cancellationToken);
    }
}
