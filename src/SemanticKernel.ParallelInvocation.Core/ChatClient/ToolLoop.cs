using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.ExceptionServices;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;

namespace SemanticKernel.ParallelInvocation.ChatClient;

/// <summary>The state of one call of the client: history, options, counters.</summary>
internal sealed class ToolLoop
{
    private readonly ParallelFunctionInvokingChatClient _owner;
    private readonly Dictionary<string, AITool> _tools;
    private readonly bool _streaming;
    private List<string>? _diagnostics;
    private ChatOptions? _options;
    private UsageDetails? _usage;
    private int _consecutiveErrors;
    private bool? _anyToolRequiresApproval;

    /// <exception cref="InvalidOperationException">The messages answer approval requests inconsistently (see <see cref="ToolApprovals.TakeAnswers"/>).</exception>
    public ToolLoop(ParallelFunctionInvokingChatClient owner, IEnumerable<ChatMessage> messages, ChatOptions? options, bool streaming)
    {
        _owner = owner;
        _streaming = streaming;
        List<ChatMessage> original = [.. messages];
        var answers = ToolApprovals.TakeAnswers(original);
        History = new ConversationHistory(original);
        _tools = owner.ToolsFor(options?.Tools);
        if (answers is not null)
        {
            foreach (var answer in answers.Responses)
            {
                var call = ToolApprovals.CallOf(answer);
                ChatClientLog.ApprovalAnswerReceived(owner.Logger, call.Name, call.CallId, answer.Approved);
            }

            AnsweredTurn = ToolTurn.Answered(answers.Responses);
            History.AddAnsweredCalls(answers.CallMessages, serviceHasThem: !string.IsNullOrEmpty(options?.ConversationId));
        }

        if (owner.AllowMultipleToolCallsByDefault && options is { AllowMultipleToolCalls: null, Tools.Count: > 0 })
        {
            options = options.Clone();
            options.AllowMultipleToolCalls = true;
        }

        _options = options;
        _diagnostics = ParallelismDiagnostics.Inspect(options);
    }

    public ConversationHistory History { get; }

    /// <summary>Gets the turn whose approval requests the caller answered in this request's messages; it runs before the first model request.</summary>
    public ToolTurn? AnsweredTurn { get; }

    /// <summary>The options for this iteration: past the iteration limit, without function tools, so the model has to answer.</summary>
    public ChatOptions? RequestOptions(int iteration)
    {
        if (iteration < _owner.MaximumIterationsPerRequest || _options?.Tools is not { Count: > 0 } tools)
        {
            return _options;
        }

        ChatClientLog.MaximumIterationsReached(_owner.Logger, _owner.MaximumIterationsPerRequest);
        var last = _options.Clone();
        last.Tools = [.. tools.Where(static t => t is not AIFunctionDeclaration)];
        if (last.Tools.Count == 0)
        {
            last.Tools = null;
            last.ToolMode = null;
        }

        return last;
    }

    /// <summary>Reads a response: the turn to run, or <see langword="null"/> when the loop ends here.</summary>
    public ToolTurn? Receive(IList<ChatMessage> messages, UsageDetails? usage, int iteration)
    {
        if (usage is not null)
        {
            (_usage ??= new UsageDetails()).Add(usage);
        }

        var turn = ToolTurn.Read(messages);
        if (turn.Calls.Count == 0 || iteration >= _owner.MaximumIterationsPerRequest)
        {
            return null;
        }

        ChatClientLog.BatchReceived(_owner.Logger, iteration, turn.Calls.Count);
        if (turn.FindTerminatingCall(_tools, _owner.TerminateOnUnknownCalls) is { } stop)
        {
            if (stop.Unknown)
            {
                ChatClientLog.UnknownCallTerminates(_owner.Logger, stop.Name);
            }
            else
            {
                ChatClientLog.NonInvocableCallTerminates(_owner.Logger, stop.Name);
            }

            return null;
        }

        List<FunctionCallContent>? gated = null;
        for (int i = 0; AnyToolRequiresApproval && i < turn.Calls.Count; i++)
        {
            if (RequiresApproval(turn.Calls[i].Name))
            {
                (gated ??= []).Add(turn.Calls[i]);
            }
        }

        if (gated is not null)
        {
            // As Microsoft.Extensions.AI's function-invoking client does: every call of the turn goes back, not only the gated ones.
            ChatClientLog.ApprovalRequested(_owner.Logger, gated[0].Name, turn.Calls.Count);
            turn.AwaitApproval(gated);
        }

        return turn;
    }

    /// <summary>
    /// Gets whether a streamed update must be held back until the whole turn is known, because the turn may go back to the caller
    /// as approval requests: it holds a call, no <see cref="ParallelInvocationOptions.ApprovalHandler"/> is set and a tool requires approval.
    /// </summary>
    public bool HoldsForApproval(ChatResponseUpdate update, int iteration) =>
        iteration < _owner.MaximumIterationsPerRequest
        && HasCall(update.Contents)
        && AnyToolRequiresApproval;

    /// <summary>Gets whether a turn may go back to the caller as approval requests: no handler is set and a tool requires approval.</summary>
    private bool AnyToolRequiresApproval => _anyToolRequiresApproval ??= _owner.Options.ApprovalHandler is null && AnyRequiresApproval();

    /// <summary>Runs <see cref="AnsweredTurn"/>: approved calls and refused ones together, as one batch.</summary>
    public ValueTask<TurnResult> RunAnsweredAsync(CancellationToken cancellationToken)
    {
        var turn = AnsweredTurn!;
        ChatClientLog.AnsweredCallsRunning(_owner.Logger, turn.Calls.Count, turn.RefusedCount);
        return RunAsync(turn, iteration: 0, cancellationToken);
    }

    /// <summary>Runs the turn's batch and builds its tool message; throws when the caller cancelled or errors persisted.</summary>
    public async ValueTask<TurnResult> RunAsync(ToolTurn turn, int iteration, CancellationToken cancellationToken)
    {
        // The request's diagnostics go with its first batch only, so they are logged once.
        var scope = new CallScope(History.Messages, _options, iteration, _streaming, _owner.IncludeDetailedErrors, _owner.Services, _owner.Invoker);
        var batch = turn.ToBatch(_tools, scope, _diagnostics, _owner.Executor);
        _diagnostics = null;
        var report = await _owner.Executor.RunAsync(batch, cancellationToken).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        CountErrors(report);
        string? terminatedBy = ToolTurn.FindTerminatingFunction(batch);
        if (terminatedBy is not null)
        {
            ChatClientLog.FunctionRequestedTermination(_owner.Logger, terminatedBy);
        }

        return new TurnResult(turn.ToToolMessage(report, _streaming), report, terminatedBy is not null);
    }

    public void NextIteration(string? conversationId)
    {
        if (_options is null)
        {
            _options = conversationId is null ? null : new ChatOptions { ConversationId = conversationId };
            return;
        }

        bool resetToolMode = _options.ToolMode is RequiredChatToolMode;
        if (resetToolMode || _options.ConversationId != conversationId || _options.ContinuationToken is not null)
        {
            // A required tool mode would force a call on every turn and never end the loop: it applies to the first request only.
            _options = _options.Clone();
            _options.ToolMode = resetToolMode ? null : _options.ToolMode;
            _options.ConversationId = conversationId;
            _options.ContinuationToken = null;
        }
    }

    public ChatResponse Complete(ChatResponse last, in BatchReports reports)
    {
        last.Messages = History.ResponseMessages;
        last.Usage = _usage;
        (last.AdditionalProperties ??= [])[ParallelFunctionInvokingChatClient.BatchReportsKey] = reports.ToList();
        return last;
    }

    /// <summary>Whether calls by this name need approval: an <c>ApprovalRequiredAIFunction</c>, or declared so.</summary>
    private bool AnyRequiresApproval()
    {
        foreach (string name in _tools.Keys)
        {
            if (RequiresApproval(name))
            {
                return true;
            }
        }

        return false;
    }

    private bool RequiresApproval(string name)
    {
        if (_tools.GetValueOrDefault(name) is not AIFunction function)
        {
            return false;
        }

        try
        {
            return _owner.Executor.Resolver.Resolve(function, name).Declaration.RequiresApproval;
        }
        catch (ParallelInvocationConfigurationException)
        {
            return false; // the batch throws it, with every other problem, when it runs
        }
    }

    private static bool HasCall(IList<AIContent> contents)
    {
        for (int i = 0; i < contents.Count; i++)
        {
            if (contents[i] is FunctionCallContent { InformationalOnly: false })
            {
                return true;
            }
        }

        return false;
    }

    private void CountErrors(BatchReport report)
    {
        List<Exception>? errors = null;
        var calls = report.Calls;
        for (int i = 0; i < calls.Count; i++)
        {
            if (calls[i] is { Exception: { } exception, Status: ToolCallStatus.Failed or ToolCallStatus.TimedOut or ToolCallStatus.Rejected })
            {
                (errors ??= []).Add(exception);
            }
        }

        if (errors is null)
        {
            _consecutiveErrors = 0;
            return;
        }

        if (++_consecutiveErrors <= _owner.MaximumConsecutiveErrorsPerRequest)
        {
            return;
        }

        ChatClientLog.MaximumConsecutiveErrorsExceeded(_owner.Logger, _owner.MaximumConsecutiveErrorsPerRequest);
        if (errors.Count == 1)
        {
            ExceptionDispatchInfo.Throw(errors[0]);
        }

        throw new AggregateException(errors);
    }
}

/// <summary>What running one turn gave: the tool message answering it, its report, and whether a call asked the loop to end.</summary>
internal readonly record struct TurnResult(ChatMessage ToolMessage, BatchReport Report, bool Terminate);

/// <summary>A request's batch reports, in order: no list for the usual one or two.</summary>
internal struct BatchReports
{
    private BatchReport? _first;
    private List<BatchReport>? _more;

    public readonly bool IsEmpty => _first is null;

    public void Add(BatchReport report)
    {
        if (_first is null)
        {
            _first = report;
        }
        else
        {
            (_more ??= []).Add(report);
        }
    }

    /// <summary>Returns the reports as a read-only list of its own.</summary>
    public readonly IReadOnlyList<BatchReport> ToList()
    {
        if (_first is null)
        {
            return [];
        }

        var all = new BatchReport[1 + (_more?.Count ?? 0)];
        all[0] = _first;
        _more?.CopyTo(all, 1);
        return Array.AsReadOnly(all);
    }
}
