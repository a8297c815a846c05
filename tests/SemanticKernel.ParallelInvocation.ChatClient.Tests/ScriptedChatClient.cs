using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;

namespace SemanticKernel.ParallelInvocation.ChatClient.Tests;

/// <summary>A model that answers each request with the next scripted response, streaming or not, and records what it was sent.</summary>
public sealed class ScriptedChatClient : IChatClient
{
    private readonly Queue<Func<SentRequest, ChatResponse>> _steps = new();

    public List<SentRequest> Requests { get; } = [];

    /// <summary>Gets or sets a hook run between streamed updates (index of the update just yielded).</summary>
    public Func<int, Task>? BetweenUpdates { get; set; }

    public ScriptedChatClient Then(ChatResponse response) => Then(_ => response);

    public ScriptedChatClient Then(Func<SentRequest, ChatResponse> step)
    {
        _steps.Enqueue(step);
        return this;
    }

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        Task.FromResult(Next(messages, options));

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var response = Next(messages, options);
        int i = 0;
        foreach (var update in response.ToChatResponseUpdates())
        {
            yield return update;
            if (BetweenUpdates is { } hook)
            {
                await hook(i);
            }

            i++;
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => serviceType.IsInstanceOfType(this) ? this : null;

    public void Dispose()
    {
    }

    private ChatResponse Next(IEnumerable<ChatMessage> messages, ChatOptions? options)
    {
        var request = new SentRequest([.. messages], options);
        Requests.Add(request);
        if (_steps.Count == 0)
        {
            throw new InvalidOperationException($"The script has no response for request #{Requests.Count}.");
        }

        return _steps.Dequeue()(request);
    }

    public sealed record SentRequest(List<ChatMessage> Messages, ChatOptions? Options);
}

/// <summary>Builders for scripted model turns.</summary>
public static class Turn
{
    public static ChatResponse Calls(params FunctionCallContent[] calls) =>
        new(new ChatMessage(ChatRole.Assistant, [.. calls]) { MessageId = Guid.NewGuid().ToString("N") });

    public static ChatResponse Text(string text) =>
        new(new ChatMessage(ChatRole.Assistant, text) { MessageId = Guid.NewGuid().ToString("N") });

    public static FunctionCallContent Call(string id, string name, object? arguments = null)
    {
        Dictionary<string, object?>? args = null;
        if (arguments is not null)
        {
            args = [];
            foreach (var p in arguments.GetType().GetProperties())
            {
                args[p.Name] = p.GetValue(arguments);
            }
        }

        return new FunctionCallContent(id, name, args);
    }
}

/// <summary>A point every party must reach before any goes on: proves calls overlap without timing them. The timeout only turns a hang into a failure.</summary>
public sealed class Rendezvous(int parties)
{
    private readonly TaskCompletionSource _all = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _arrived;

    public Task ArriveAsync()
    {
        if (Interlocked.Increment(ref _arrived) == parties)
        {
            _all.TrySetResult();
        }

        return _all.Task.WaitAsync(TimeSpan.FromSeconds(20));
    }
}
