using System.Collections.Generic;
using Microsoft.Extensions.AI;

namespace SemanticKernel.ParallelInvocation.ChatClient;

/// <summary>
/// The messages to send on each iteration of the tool loop. When the service keeps the history (the response carries a
/// <see cref="ChatResponse.ConversationId"/>), only the new messages are sent; if it stops doing so, the full history is rebuilt.
/// </summary>
internal sealed class ConversationHistory
{
    private readonly List<ChatMessage> _original;
    private readonly List<ChatMessage> _allResponseMessages = [];
    private List<ChatMessage>? _augmented;
    private bool _serviceKeepsHistory;

    /// <summary>Initializes a new instance of the <see cref="ConversationHistory"/> class over <paramref name="messages"/>, which it owns from now on.</summary>
    public ConversationHistory(List<ChatMessage> messages)
    {
        _original = messages;
    }

    /// <summary>Gets the messages to send now (also each call's <see cref="FunctionInvocationContext.Messages"/>).</summary>
    public List<ChatMessage> Messages => _augmented ?? _original;

    /// <summary>Gets every message received or added by the loop so far, across iterations, in order.</summary>
    public List<ChatMessage> ResponseMessages => _allResponseMessages;

    /// <summary>Records a response whose tool calls are about to be answered.</summary>
    public void AddResponse(IList<ChatMessage> messages, string? conversationId)
    {
        _allResponseMessages.AddRange(messages);
        if (conversationId is not null)
        {
            // The service has everything sent and received so far: send only what comes next.
            _augmented = [];
            _serviceKeepsHistory = true;
        }
        else if (_serviceKeepsHistory)
        {
            // It kept the history before but not now: rebuild it in full.
            _augmented = [.. _original, .. _allResponseMessages];
            _serviceKeepsHistory = false;
        }
        else
        {
            _augmented ??= [.. _original];
            _augmented.AddRange(messages);
        }
    }

    /// <summary>
    /// Records the calls restored from the caller's approval answers, before the first request: they are returned to the caller, and
    /// sent to the model unless the service keeps the history (<paramref name="serviceHasThem"/>), which has them already.
    /// </summary>
    public void AddAnsweredCalls(IList<ChatMessage> messages, bool serviceHasThem)
    {
        _allResponseMessages.AddRange(messages);
        _augmented ??= [.. _original];
        if (!serviceHasThem)
        {
            _augmented.AddRange(messages);
        }
    }

    /// <summary>Records a final response that ends the loop.</summary>
    public void AddFinal(IList<ChatMessage> messages) => _allResponseMessages.AddRange(messages);

    /// <summary>Adds the tool message answering the last response.</summary>
    public void AddToolMessage(ChatMessage toolMessage)
    {
        _allResponseMessages.Add(toolMessage);
        _augmented!.Add(toolMessage);
    }
}
