using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;

namespace ParallelSK.Demo.Model;

/// <summary>Sits under the middleware and reports each model turn and the size of the batch it returned. It does not own the model.</summary>
internal sealed class ProgressChatClient(IChatClient model, Action<string>? progress) : DelegatingChatClient(model)
{
    private int _turn;

    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        int turn = Interlocked.Increment(ref _turn);
        progress?.Invoke($"turn {turn}: asking the model");
        var response = await base.GetResponseAsync(messages, options, cancellationToken);
        int calls = response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>().Count();
        progress?.Invoke(calls > 0 ? $"turn {turn}: running {calls} tool calls" : $"turn {turn}: answered");
        return response;
    }

    protected override void Dispose(bool disposing)
    {
        // The model is shared by the strategies' runs; its owner disposes it.
    }
}
