using System;
using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Linq;
using Microsoft.Extensions.AI;

namespace SemanticKernel.ParallelInvocation.ChatClient;

/// <summary>
/// The approval round trip of Microsoft.Extensions.AI: a turn's function calls go back to the caller as
/// <see cref="ToolApprovalRequestContent"/>s, and the caller's <see cref="ToolApprovalResponseContent"/>s bring them back.
/// </summary>
internal static class ToolApprovals
{
    private const string RequestIdPrefix = "parallelsk_";

    /// <summary>Replaces each of <paramref name="calls"/> found in <paramref name="messages"/> with an approval request; changed messages are copies.</summary>
    public static List<ChatMessage> ReplaceCalls(IList<ChatMessage> messages, TurnCalls calls)
    {
        var replaced = new List<ChatMessage>(messages.Count);
        foreach (var message in messages)
        {
            if (TryReplaceCalls(message.Contents, calls, out var contents))
            {
                var copy = message.Clone();
                copy.Contents = contents;
                replaced.Add(copy);
            }
            else
            {
                replaced.Add(message);
            }
        }

        return replaced;
    }

    /// <summary>Replaces each of <paramref name="calls"/> found in a streamed update with an approval request; a changed update is a copy.</summary>
    public static ChatResponseUpdate ReplaceCalls(ChatResponseUpdate update, TurnCalls calls)
    {
        if (!TryReplaceCalls(update.Contents, calls, out var contents))
        {
            return update;
        }

        var copy = update.Clone();
        copy.Contents = contents;
        return copy;
    }

    /// <summary>
    /// Takes the approval contents this middleware (or Microsoft.Extensions.AI's function-invoking client) produced out of
    /// <paramref name="messages"/>, so that the model never sees them, and returns the answers still to act on, in emitted order.
    /// Answers whose call already has a result are dropped, as are requests and answers already acted on (their call is marked
    /// <see cref="FunctionCallContent.InformationalOnly"/>).
    /// </summary>
    /// <returns>The answers to act on, or <see langword="null"/> when there are none.</returns>
    /// <exception cref="InvalidOperationException">An approval request has no answer, or a call has more than one; nothing has run.</exception>
    public static AnsweredApprovals? TakeAnswers(List<ChatMessage> messages)
    {
        if (!messages.Exists(static m => HasFunctionApproval(m.Contents)))
        {
            return null;
        }

        var requests = new List<(ToolApprovalRequestContent Request, ChatMessage Message)>();
        var responses = new List<ToolApprovalResponseContent>();
        var answered = new HashSet<string>(StringComparer.Ordinal);
        foreach (var message in messages)
        {
            foreach (var content in message.Contents)
            {
                switch (content)
                {
                    case ToolApprovalRequestContent { ToolCall: FunctionCallContent { InformationalOnly: false } } request:
                        requests.Add((request, message));
                        break;
                    case ToolApprovalResponseContent { ToolCall: FunctionCallContent { InformationalOnly: false } } response:
                        responses.Add(response);
                        break;
                    case FunctionResultContent result:
                        answered.Add(result.CallId);
                        break;
                }
            }
        }

        RemoveFunctionApprovals(messages);
        var pending = responses.Where(r => !answered.Contains(CallOf(r).CallId)).ToList();
        Validate(requests.Select(static r => r.Request), responses, pending, answered);
        if (pending.Count == 0)
        {
            return null;
        }

        // Emitted order is the order of the requests; answers without a request (the service kept it, or a component above removed
        // it, as Agent Framework's approval bypassing does) follow in their own order. Requests made here carry their call's emitted
        // position in the turn, which orders every answer when all have one.
        int Request(ToolApprovalResponseContent response)
        {
            int i = requests.FindIndex(r => r.Request.RequestId == response.RequestId);
            i = i >= 0 ? i : requests.FindIndex(r => CallOf(r.Request).CallId == CallOf(response).CallId);
            return i >= 0 ? i : int.MaxValue;
        }

        bool emittedPositions = pending.TrueForAll(static r => EmittedPosition(r.RequestId) >= 0);
        var ordered = pending.Select((response, k) => (Response: response, Request: Request(response), k))
            .OrderBy(x => emittedPositions ? EmittedPosition(x.Response.RequestId) : x.Request).ThenBy(static x => x.k)
            .ToList();
        var turnMessage = ordered.Find(static x => x.Request != int.MaxValue) is { Response: not null } first ? requests[first.Request].Message : null;
        var callMessages = new List<ChatMessage>();
        ChatMessage? lastSource = null;
        foreach (var (response, position, _) in ordered)
        {
            // A call whose request was removed goes back into the message of its turn's other requests.
            var source = position == int.MaxValue ? turnMessage : requests[position].Message;
            if (callMessages.Count == 0 || source != lastSource)
            {
                var callMessage = source?.Clone() ?? new ChatMessage { Role = ChatRole.Assistant, MessageId = Guid.NewGuid().ToString("N") };
                callMessage.Contents = [];
                callMessages.Add(callMessage);
                lastSource = source;
            }

            callMessages[^1].Contents.Add(response.ToolCall);
        }

        return new AnsweredApprovals([.. ordered.Select(static x => x.Response)], callMessages);
    }

    /// <summary>The calls of a turn that goes back as approval requests, each with its emitted position, and those of them that need approval.</summary>
    public sealed class TurnCalls(List<FunctionCallContent> all, HashSet<FunctionCallContent> gated)
    {
        private readonly Dictionary<FunctionCallContent, int> _positions = Positions(all);

        public HashSet<FunctionCallContent> Gated { get; } = gated;

        /// <summary>Gets the emitted position of <paramref name="call"/> in the turn, or -1 when it is not one of the turn's calls.</summary>
        public int PositionOf(FunctionCallContent call) => _positions.GetValueOrDefault(call, -1);

        private static Dictionary<FunctionCallContent, int> Positions(List<FunctionCallContent> calls)
        {
            var positions = new Dictionary<FunctionCallContent, int>(calls.Count, ReferenceEqualityComparer.Instance);
            for (int i = 0; i < calls.Count; i++)
            {
                positions.TryAdd(calls[i], i);
            }

            return positions;
        }
    }

    /// <summary>The id of the approval request made here for the call at <paramref name="position"/> in its turn.</summary>
    public static string RequestId(int position, string callId) => $"{RequestIdPrefix}{position.ToString(CultureInfo.InvariantCulture)}_{callId}";

    /// <summary>The emitted position in its turn encoded in a request id made here, or -1 for any other id.</summary>
    public static int EmittedPosition(string requestId)
    {
        if (!requestId.StartsWith(RequestIdPrefix, StringComparison.Ordinal))
        {
            return -1;
        }

        var rest = requestId.AsSpan(RequestIdPrefix.Length);
        int end = rest.IndexOf('_');
        return end > 0 && int.TryParse(rest[..end], NumberStyles.None, CultureInfo.InvariantCulture, out int position) ? position : -1;
    }

    /// <summary>The call an approval request or answer is about.</summary>
    public static FunctionCallContent CallOf(ToolApprovalRequestContent request) => (FunctionCallContent)request.ToolCall;

    /// <inheritdoc cref="CallOf(ToolApprovalRequestContent)"/>
    public static FunctionCallContent CallOf(ToolApprovalResponseContent response) => (FunctionCallContent)response.ToolCall;

    private static bool TryReplaceCalls(IList<AIContent> contents, TurnCalls calls, [NotNullWhen(true)] out List<AIContent>? replaced)
    {
        replaced = null;
        for (int i = 0; i < contents.Count; i++)
        {
            if (contents[i] is FunctionCallContent call && calls.PositionOf(call) is int position and >= 0)
            {
                replaced ??= [.. contents];
                replaced[i] = new ToolApprovalRequestContent(RequestId(position, call.CallId), call)
                {
#pragma warning disable MEAI001 // RequiresConfirmation is experimental in Microsoft.Extensions.AI.Abstractions 10.11.
                    // The calls that need no approval go back only because they share the turn: the caller may answer them without asking.
                    RequiresConfirmation = calls.Gated.Contains(call),
#pragma warning restore MEAI001
                };
            }
        }

        return replaced is not null;
    }

    /// <summary>Whether any content is a function-call approval request or answer; allocation-free, as it runs on every request.</summary>
    private static bool HasFunctionApproval(IList<AIContent> contents)
    {
        for (int i = 0; i < contents.Count; i++)
        {
            if (IsFunctionApproval(contents[i]))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsFunctionApproval(AIContent content) =>
        content is ToolApprovalRequestContent { ToolCall: FunctionCallContent } or ToolApprovalResponseContent { ToolCall: FunctionCallContent };

    /// <summary>Removes every function-call approval content; a message left empty is removed, a changed one is a copy.</summary>
    private static void RemoveFunctionApprovals(List<ChatMessage> messages)
    {
        for (int i = messages.Count - 1; i >= 0; i--)
        {
            var message = messages[i];
            if (!HasFunctionApproval(message.Contents))
            {
                continue;
            }

            var kept = message.Contents.Where(static c => !IsFunctionApproval(c)).ToList();
            if (kept.Count == 0)
            {
                messages.RemoveAt(i);
                continue;
            }

            var copy = message.Clone();
            copy.Contents = kept;
            messages[i] = copy;
        }
    }

    private static void Validate(IEnumerable<ToolApprovalRequestContent> requests, List<ToolApprovalResponseContent> responses, List<ToolApprovalResponseContent> pending, HashSet<string> answered)
    {
        var unanswered = requests
            .Where(q => !answered.Contains(CallOf(q).CallId) && !responses.Exists(r => r.RequestId == q.RequestId || CallOf(r).CallId == CallOf(q).CallId))
            .Select(static q => CallOf(q).CallId)
            .ToList();
        if (unanswered.Count > 0)
        {
            throw new InvalidOperationException(
                $"The messages hold a {nameof(ToolApprovalRequestContent)} without a {nameof(ToolApprovalResponseContent)} for call id(s) '{string.Join("', '", unanswered)}'. " +
                $"Answer every approval request (request.CreateResponse(approved)) in the next request, or remove it; no call has run.");
        }

        var repeated = pending.GroupBy(static r => CallOf(r).CallId, StringComparer.Ordinal).Where(static g => g.Count() > 1).Select(static g => g.Key).ToList();
        if (repeated.Count > 0)
        {
            throw new InvalidOperationException(
                $"The messages hold more than one {nameof(ToolApprovalResponseContent)} for call id(s) '{string.Join("', '", repeated)}'. " +
                "Answer each approval request once; no call has run.");
        }
    }
}

/// <summary>The caller's answers to approval requests, in emitted order, and the messages that restore their calls to the history.</summary>
internal sealed record AnsweredApprovals(List<ToolApprovalResponseContent> Responses, List<ChatMessage> CallMessages);
