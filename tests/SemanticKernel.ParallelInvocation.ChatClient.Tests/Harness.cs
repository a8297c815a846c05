using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;

namespace SemanticKernel.ParallelInvocation.ChatClient.Tests;

public static class Harness
{
    public static readonly List<ChatMessage> Ask = [new(ChatRole.User, "go")];

    /// <summary>Runs one request, streaming or not; a streamed request is coalesced into one response.</summary>
    public static async Task<ChatResponse> RunAsync(IChatClient client, bool streaming, ChatOptions? options, CancellationToken cancellationToken = default)
    {
        if (!streaming)
        {
            return await client.GetResponseAsync(Ask, options, cancellationToken);
        }

        return await client.GetStreamingResponseAsync(Ask, options, cancellationToken).ToChatResponseAsync(cancellationToken);
    }

    public static ChatOptions With(params AITool[] tools) => new() { Tools = [.. tools] };

    public static List<FunctionResultContent> Results(ChatResponse response) =>
        response.Messages.Where(m => m.Role == ChatRole.Tool).SelectMany(m => m.Contents.OfType<FunctionResultContent>()).ToList();

    /// <summary>The one tool message sent back to the model in request <paramref name="index"/> (its last message).</summary>
    public static ChatMessage ToolMessageSent(ScriptedChatClient model, int index)
    {
        var last = model.Requests[index].Messages[^1];
        Assert.Equal(ChatRole.Tool, last.Role);
        return last;
    }
}
