using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;

namespace ParallelSK.Benchmarks.Comparison;

/// <summary>
/// A model that answers instantly: the first request of a conversation gets one assistant message with <c>callCount</c> calls of
/// <c>lookup</c> (fresh contents each time, as a real client deserialises them), the follow-up with the tool results gets a text.
/// </summary>
internal sealed class ScriptedChatClient(int callCount) : IChatClient
{
    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        if (messages.Any(m => m.Role == ChatRole.Tool))
        {
            return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, "done"))); // fresh: function-invoking clients add to it
        }

        var contents = new List<AIContent>(callCount);
        for (int i = 0; i < callCount; i++)
        {
            contents.Add(new FunctionCallContent($"call_{i}", "lookup", new Dictionary<string, object?> { ["id"] = i }));
        }

        return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, contents)));
    }

    public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        throw new System.NotSupportedException();

    public object? GetService(System.Type serviceType, object? serviceKey = null) => null;

    public void Dispose()
    {
    }
}
