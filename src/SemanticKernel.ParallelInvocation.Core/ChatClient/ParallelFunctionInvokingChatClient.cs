using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SemanticKernel.ParallelInvocation.ChatClient;

namespace SemanticKernel.ParallelInvocation;

/// <summary>
/// A chat client that runs the tool loop: it sends the request, plans each batch of function calls the model returns from the
/// functions' declared effects, runs independent calls at once and conflicting calls in the emitted order (with
/// <see cref="ParallelToolExecutor"/>), answers the batch with one <see cref="ChatRole.Tool"/> message holding one
/// <see cref="FunctionResultContent"/> per call in emitted order, and repeats until the model answers without tool calls.
/// </summary>
/// <remarks>
/// <para>
/// A drop-in replacement for Microsoft.Extensions.AI's <c>FunctionInvokingChatClient</c>: the same loop limits, unknown-tool handling,
/// <see cref="ChatOptions.ConversationId"/> handling, usage aggregation and streaming, with a result for every call id even when
/// calls fail, time out or are rejected. Error results are not thrown: they go back to the model, marked with their exception.
/// When the caller cancels, the batch is cancelled and <see cref="OperationCanceledException"/> is thrown.
/// </para>
/// <para>
/// Every batch's <see cref="BatchReport"/> goes to <see cref="ParallelInvocationOptions.OnBatchCompleted"/>; the reports of a
/// non-streaming request are also in <see cref="ChatResponse.AdditionalProperties"/> under <see cref="BatchReportsKey"/>, and each
/// streamed tool-result update carries its report under <see cref="BatchReportKey"/>.
/// </para>
/// <para>
/// Approvals: calls of functions that require approval (an <c>ApprovalRequiredAIFunction</c>, <see cref="RequiresApprovalAttribute"/> or
/// <see cref="FunctionEffects.RequiringApproval"/>) are decided by <see cref="ParallelInvocationOptions.ApprovalHandler"/> when it is set.
/// When it is not, the standard Microsoft.Extensions.AI round trip applies, as with <c>FunctionInvokingChatClient</c>: a turn holding
/// such a call does not run; the response returns every call of that turn (not only those that need approval) as a
/// <see cref="ToolApprovalRequestContent"/>, whose <c>RequiresConfirmation</c> is <see langword="false"/> for the calls that need
/// none. When a later request carries the caller's <see cref="ToolApprovalResponseContent"/>s, the calls are restored to the history,
/// the approved ones and the refused ones go to the engine as one batch (refused calls are answered with an error result that
/// gives the caller's reason), and the loop goes on. Approval contents are never sent to the inner client. A request that leaves
/// an approval request unanswered, or answers a call twice, throws <see cref="InvalidOperationException"/> before anything runs.
/// Answers already present in the messages are honoured even when a handler is set.
/// </para>
/// <para>Thread-safe for concurrent requests once its properties are set.</para>
/// </remarks>
public sealed class ParallelFunctionInvokingChatClient : DelegatingChatClient
{
    /// <summary>The <see cref="ChatResponse.AdditionalProperties"/> key holding the request's reports, an <see cref="IReadOnlyList{T}"/> of <see cref="BatchReport"/>.</summary>
    public const string BatchReportsKey = "parallelsk.batch_reports";

    /// <summary>The <see cref="ChatResponseUpdate.AdditionalProperties"/> key holding the <see cref="BatchReport"/> of a streamed tool-result update.</summary>
    public const string BatchReportKey = "parallelsk.batch_report";

    private readonly ParallelToolExecutor _executor;
    private int _maximumIterationsPerRequest = 40;
    private int _maximumConsecutiveErrorsPerRequest = 3;

    /// <summary>Initializes a new instance of the <see cref="ParallelFunctionInvokingChatClient"/> class.</summary>
    /// <param name="innerClient">The client that talks to the model.</param>
    /// <param name="options">How to plan and run batches; <see langword="null"/> for the defaults. Validated here, then snapshotted.</param>
    /// <param name="loggerFactory">Where to log; <see langword="null"/> for no logging.</param>
    /// <param name="functionInvocationServices">The services passed to functions in <see cref="AIFunctionArguments.Services"/>.</param>
    /// <exception cref="ParallelInvocationConfigurationException">The options are invalid.</exception>
    public ParallelFunctionInvokingChatClient(IChatClient innerClient, ParallelInvocationOptions? options = null, ILoggerFactory? loggerFactory = null, IServiceProvider? functionInvocationServices = null)
        : base(innerClient)
    {
        _executor = new ParallelToolExecutor(options, loggerFactory);
        Logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<ParallelFunctionInvokingChatClient>();
        FunctionInvocationServices = functionInvocationServices;
    }

    /// <summary>Gets the options batches are planned and run with.</summary>
    public ParallelInvocationOptions Options => _executor.Options;

    internal ParallelToolExecutor Executor => _executor;

    internal ILogger Logger { get; }

    internal IServiceProvider? FunctionInvocationServices { get; }

    /// <summary>
    /// Gets or sets the most model requests that may be answered with tool results in one call of this client. The request after the
    /// last one is sent without function tools, so the model answers in text.
    /// </summary>
    /// <value>The default value is 40.</value>
    /// <exception cref="ArgumentOutOfRangeException">The value is less than 1.</exception>
    public int MaximumIterationsPerRequest
    {
        get => _maximumIterationsPerRequest;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            _maximumIterationsPerRequest = value;
        }
    }

    /// <summary>
    /// Gets or sets how many iterations in a row may have failed calls before the loop gives up and throws the failures (the exception
    /// itself when there is one, otherwise an <see cref="AggregateException"/>). Failed, timed-out and unparsable calls count.
    /// </summary>
    /// <value>The default value is 3.</value>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public int MaximumConsecutiveErrorsPerRequest
    {
        get => _maximumConsecutiveErrorsPerRequest;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            _maximumConsecutiveErrorsPerRequest = value;
        }
    }

    /// <summary>
    /// Gets or sets a value indicating whether a turn that calls a function not among the tools ends the loop, returning the calls
    /// unanswered to the caller (who may run them). When <see langword="false"/>, such a call gets an error result telling the model
    /// the function does not exist, and the rest of the batch runs. A declaration-only tool (<see cref="AIFunctionDeclaration"/> that
    /// is not an <see cref="AIFunction"/>) always ends the loop this way.
    /// </summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool TerminateOnUnknownCalls { get; set; }

    /// <summary>Gets or sets tools that may be called without being in <see cref="ChatOptions.Tools"/>; they are not sent to the model.</summary>
    public IList<AITool>? AdditionalTools { get; set; }

    /// <summary>
    /// Gets or sets a value indicating whether requests that carry tools and leave <see cref="ChatOptions.AllowMultipleToolCalls"/>
    /// unset are sent with it set to <see langword="true"/>, so the model may batch calls. An explicit <see langword="false"/> is kept
    /// (and named in the first batch's <see cref="BatchReport.Diagnostics"/>).
    /// </summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool AllowMultipleToolCallsByDefault { get; set; } = true;

    /// <inheritdoc/>
    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var loop = new ToolLoop(this, messages, options);
        var reports = new List<BatchReport>();
        if (loop.AnsweredTurn is not null)
        {
            var (answeredMessage, answeredReport) = await loop.RunAnsweredAsync(cancellationToken).ConfigureAwait(false);
            reports.Add(answeredReport);
            loop.History.AddToolMessage(answeredMessage);
        }

        for (int iteration = 0; ; iteration++)
        {
            var response = await base.GetResponseAsync(loop.History.Messages, loop.RequestOptions(iteration), cancellationToken).ConfigureAwait(false)
                ?? throw new InvalidOperationException($"The inner {nameof(IChatClient)} returned a null {nameof(ChatResponse)}.");
            var turn = loop.Receive(response.Messages, response.Usage, iteration);
            if (turn is null && iteration == 0 && reports.Count == 0)
            {
                return response;
            }

            if (turn is null || turn.AwaitsApproval)
            {
                loop.History.AddFinal(turn is null ? response.Messages : turn.ToApprovalRequests(response.Messages));
                return loop.Complete(response, reports);
            }

            loop.History.AddResponse(response.Messages, response.ConversationId);
            var (toolMessage, report) = await loop.RunAsync(turn, cancellationToken).ConfigureAwait(false);
            reports.Add(report);
            loop.History.AddToolMessage(toolMessage);
            loop.NextIteration(response.ConversationId);
        }
    }

    /// <inheritdoc/>
    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var loop = new ToolLoop(this, messages, options);
        if (loop.AnsweredTurn is not null)
        {
            foreach (var callMessage in loop.History.ResponseMessages.ToList())
            {
                yield return new ChatResponseUpdate(callMessage.Role, callMessage.Contents)
                {
                    MessageId = callMessage.MessageId,
                    AuthorName = callMessage.AuthorName,
                    ConversationId = options?.ConversationId,
                    CreatedAt = callMessage.CreatedAt,
                };
            }

            var (answeredMessage, answeredReport) = await loop.RunAnsweredAsync(cancellationToken).ConfigureAwait(false);
            loop.History.AddToolMessage(answeredMessage);
            yield return ToolUpdate(answeredMessage, answeredReport, null, options?.ConversationId);
        }

        var updates = new List<ChatResponseUpdate>();
        for (int iteration = 0; ; iteration++)
        {
            updates.Clear();
            int heldFrom = -1;
            await foreach (var update in base.GetStreamingResponseAsync(loop.History.Messages, loop.RequestOptions(iteration), cancellationToken).ConfigureAwait(false))
            {
                updates.Add(update);
                if (heldFrom < 0 && loop.HoldsForApproval(update, iteration))
                {
                    heldFrom = updates.Count - 1;
                }

                if (heldFrom < 0)
                {
                    yield return update;
                }
            }

            var response = updates.ToChatResponse();
            var turn = loop.Receive(response.Messages, null, iteration);
            for (int i = heldFrom; heldFrom >= 0 && i < updates.Count; i++)
            {
                yield return turn is { AwaitsApproval: true } ? turn.ToApprovalRequests(updates[i]) : updates[i];
            }

            if (turn is null || turn.AwaitsApproval)
            {
                yield break;
            }

            loop.History.AddResponse(response.Messages, response.ConversationId);
            var (toolMessage, report) = await loop.RunAsync(turn, cancellationToken).ConfigureAwait(false);
            loop.History.AddToolMessage(toolMessage);
            yield return ToolUpdate(toolMessage, report, response.ResponseId, response.ConversationId);
            loop.NextIteration(response.ConversationId);
        }
    }

    private ChatResponseUpdate ToolUpdate(ChatMessage toolMessage, BatchReport report, string? responseId, string? conversationId) =>
        new(ChatRole.Tool, toolMessage.Contents)
        {
            MessageId = toolMessage.MessageId,
            ResponseId = responseId,
            ConversationId = conversationId,
            CreatedAt = _executor.Options.TimeProvider.GetUtcNow(),
            AdditionalProperties = new() { [BatchReportKey] = report },
        };
}
