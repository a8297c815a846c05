using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.Extensions.AI;

namespace SemanticKernel.ParallelInvocation.ChatClient;

/// <summary>The tool calls of one model turn that the loop must answer, and how to turn them into a batch and its results into one tool message.</summary>
internal sealed class ToolTurn
{
    private readonly List<ToolApprovalResponseContent>? _answers;
    private ToolApprovals.TurnCalls? _gated;
    private Plans.TurnPlans? _plans;

    private ToolTurn(List<FunctionCallContent> calls, List<ToolApprovalResponseContent>? answers = null)
    {
        Calls = calls;
        _answers = answers;
    }

    /// <summary>Gets the calls to answer, in emitted order.</summary>
    public List<FunctionCallContent> Calls { get; }

    /// <summary>Gets a value indicating whether the turn goes back to the caller as approval requests instead of running.</summary>
    public bool AwaitsApproval => _gated is not null;

    /// <summary>Gets the number of calls the caller refused (only a turn made of approval answers has any).</summary>
    public int RefusedCount => _answers?.Count(static a => !a.Approved) ?? 0;

    /// <summary>The turn the caller answered approval requests for: each call runs or is refused as the caller said.</summary>
    public static ToolTurn Answered(List<ToolApprovalResponseContent> answers) =>
        new(answers.ConvertAll(ToolApprovals.CallOf), answers);

    /// <summary>Marks the turn as going back to the caller as approval requests; <paramref name="gated"/> are the calls that need approval.</summary>
    public void AwaitApproval(IEnumerable<FunctionCallContent> gated) =>
        _gated = new ToolApprovals.TurnCalls(Calls, new(gated, ReferenceEqualityComparer.Instance));

    /// <summary>Replaces the turn's calls in <paramref name="messages"/> with approval requests (copies; the originals are untouched).</summary>
    public List<ChatMessage> ToApprovalRequests(IList<ChatMessage> messages) => ToolApprovals.ReplaceCalls(messages, _gated!);

    /// <summary>Replaces the turn's calls in a streamed update with approval requests (a copy when it holds any).</summary>
    public ChatResponseUpdate ToApprovalRequests(ChatResponseUpdate update) => ToolApprovals.ReplaceCalls(update, _gated!);

    /// <summary>
    /// Collects the calls of a response that still need an answer: calls marked <see cref="FunctionCallContent.InformationalOnly"/> are
    /// skipped, and so are calls the service already answered in the same response (they are marked informational, as the standard
    /// function-invoking client does).
    /// </summary>
    public static ToolTurn Read(IList<ChatMessage> messages)
    {
        HashSet<string>? answered = null;
        for (int m = 0; m < messages.Count; m++)
        {
            var contents = messages[m].Contents;
            for (int c = 0; c < contents.Count; c++)
            {
                if (contents[c] is FunctionResultContent result)
                {
                    (answered ??= new(StringComparer.Ordinal)).Add(result.CallId);
                }
            }
        }

        int count = 0;
        for (int m = 0; m < messages.Count; m++)
        {
            var contents = messages[m].Contents;
            for (int c = 0; c < contents.Count; c++)
            {
                count += contents[c] is FunctionCallContent ? 1 : 0;
            }
        }

        var calls = new List<FunctionCallContent>(count);
        for (int m = 0; m < messages.Count; m++)
        {
            var contents = messages[m].Contents;
            for (int c = 0; c < contents.Count; c++)
            {
                if (contents[c] is not FunctionCallContent { InformationalOnly: false } call)
                {
                    continue;
                }

                if (answered is not null && call.CallId.Length > 0 && answered.Contains(call.CallId))
                {
                    call.InformationalOnly = true;
                    continue;
                }

                calls.Add(call);
            }
        }

        return new ToolTurn(calls);
    }

    /// <summary>Finds the call, if any, that hands the loop back to the caller: a declaration-only tool, or an unknown one when so configured.</summary>
    public (string Name, bool Unknown)? FindTerminatingCall(IReadOnlyDictionary<string, AITool> tools, bool terminateOnUnknownCalls)
    {
        foreach (var call in Calls)
        {
            if (!tools.TryGetValue(call.Name, out var tool))
            {
                if (terminateOnUnknownCalls)
                {
                    return (call.Name, true);
                }
            }
            else if (tool is not AIFunction)
            {
                return (call.Name, false);
            }
        }

        return null;
    }

    /// <summary>
    /// Builds the batch for the engine: one request per call, unknown tools as requests without a function. A call of a known function
    /// carries the <see cref="FunctionInvocationContext"/> it runs with as its <see cref="ToolCallRequest.State"/>, and runs through
    /// <see cref="CallScope.Invoker"/>; the context's arguments are the request's (the call's dictionary, not a copy).
    /// A plan call (plan mode) is expanded into its steps at its position, planned with the turn's other calls.
    /// </summary>
    public ToolCallBatch ToBatch(IReadOnlyDictionary<string, AITool> tools, in CallScope scope, List<string>? diagnostics, ParallelToolExecutor executor)
    {
        var requests = new ToolCallRequest[Calls.Count];
        for (int i = 0; i < Calls.Count; i++)
        {
            var call = Calls[i];
            var function = tools.GetValueOrDefault(call.Name) as AIFunction;
            var context = function is null ? null : scope.CreateContext(call, function, i, Calls.Count);
            requests[i] = new ToolCallRequest(call.CallId, call.Name, context?.Arguments ?? AsReadOnly(call.Arguments), function)
            {
                ArgumentsError = call.Exception,
                Services = scope.Services,
                Invoker = context is null ? null : scope.Invoker,
                State = context,
                ApprovedByCaller = _answers?[i].Approved,
                ApprovalReason = _answers?[i].Reason,
            };
        }

        var batch = new ToolCallBatch(Plans.TurnPlans.Expand(requests, tools, executor, out _plans)) { IncludeDetailedErrors = scope.IncludeDetailedErrors, HostAwaitsAtOnce = true };
        for (int i = 0; diagnostics is not null && i < diagnostics.Count; i++)
        {
            batch.Diagnostics.Add(diagnostics[i]);
        }

        return batch;
    }

    /// <summary>
    /// Builds the one tool message answering every call of the batch, in emitted order, and marks the calls as answered. A streamed
    /// message gets an id (its updates carry it); a non-streamed one has none, as with <see cref="FunctionInvokingChatClient"/>.
    /// </summary>
    public ChatMessage ToToolMessage(BatchReport report, bool streaming)
    {
        foreach (var call in Calls)
        {
            call.InformationalOnly = true;
        }

        if (_plans is not null)
        {
            return new ChatMessage(ChatRole.Tool, _plans.ToResultContents(report)) { MessageId = streaming ? Guid.NewGuid().ToString("N") : null };
        }

        var outcomes = report.Calls;
        var contents = new List<AIContent>(outcomes.Count);
        for (int i = 0; i < outcomes.Count; i++)
        {
            contents.Add(outcomes[i].ToResultContent());
        }

        return new ChatMessage(ChatRole.Tool, contents) { MessageId = streaming ? Guid.NewGuid().ToString("N") : null };
    }

    /// <summary>Finds the first call of the batch that set <see cref="FunctionInvocationContext.Terminate"/> (which ends the loop after the batch) and returns its name.</summary>
    public static string? FindTerminatingFunction(ToolCallBatch batch)
    {
        var requests = batch.Calls;
        for (int i = 0; i < requests.Count; i++)
        {
            if (requests[i].State is FunctionInvocationContext { Terminate: true })
            {
                return requests[i].Name;
            }
        }

        return null;
    }

    private static IReadOnlyDictionary<string, object?>? AsReadOnly(IDictionary<string, object?>? arguments) => arguments switch
    {
        null => null,
        IReadOnlyDictionary<string, object?> readOnly => readOnly,
        var other => new Dictionary<string, object?>(other, StringComparer.Ordinal),
    };
}
