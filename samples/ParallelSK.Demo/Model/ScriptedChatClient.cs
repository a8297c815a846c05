using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;

namespace ParallelSK.Demo.Model;

/// <summary>
/// A local stand-in for a model: it answers the n-th request with the n-th scripted turn, built from the conversation so far (so a later
/// turn can use earlier tool results). No key, no network.
/// </summary>
internal sealed class ScriptedChatClient(IReadOnlyList<Func<IReadOnlyList<ChatMessage>, ChatMessage>> turns) : IChatClient
{
    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var history = messages.ToList();
        int turn = history.Count(m => m.Role == ChatRole.Assistant);
        if (turn >= turns.Count)
        {
            throw new InvalidOperationException($"The script has {turns.Count} turns; turn {turn + 1} was requested.");
        }

        var message = turns[turn](history);
        var finish = message.Contents.OfType<FunctionCallContent>().Any() ? ChatFinishReason.ToolCalls : ChatFinishReason.Stop;
        return Task.FromResult(new ChatResponse(message) { FinishReason = finish, ModelId = "scripted" });
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var response = await GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
        foreach (var update in response.ToChatResponseUpdates())
        {
            yield return update;
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => serviceKey is null && serviceType.IsInstanceOfType(this) ? this : null;

    public void Dispose()
    {
    }
}
