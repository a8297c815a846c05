using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;

namespace ParallelSK.AgentSample;

/// <summary>
/// A local stand-in for a model: asked with no tool results yet, it returns one batch of five tool calls; asked again, it answers from
/// the results it was sent. Real models batch the same way when the request allows several tool calls per turn.
/// </summary>
public sealed class ScriptedModel : IChatClient
{
    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var results = messages.SelectMany(m => m.Contents).OfType<FunctionResultContent>().ToList();
        ChatMessage reply = results.Count == 0
            ? new(ChatRole.Assistant,
            [
                Call("call_1", "GetForecast", ("city", "Lisbon")),
                Call("call_2", "GetForecast", ("city", "Porto")),
                Call("call_3", "GetForecast", ("city", "Faro")),
                Call("call_4", "BookHotel", ("trip", "portugal"), ("city", "Lisbon")),
                Call("call_5", "AddNote", ("trip", "portugal"), ("note", "pack sunscreen")),
            ])
            : new(ChatRole.Assistant, $"Lisbon looks best ({results[0].Result}). I booked the hotel there and noted to pack sunscreen.");
        return Task.FromResult(new ChatResponse(reply) { ResponseId = Guid.NewGuid().ToString("N") });
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        foreach (var update in (await GetResponseAsync(messages, options, cancellationToken)).ToChatResponseUpdates())
        {
            yield return update;
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => serviceKey is null && serviceType.IsInstanceOfType(this) ? this : null;

    public void Dispose()
    {
    }

    private static FunctionCallContent Call(string id, string name, params (string Name, object? Value)[] arguments) =>
        new(id, name, arguments.ToDictionary(a => a.Name, a => a.Value));
}
