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
/// A <see cref="FunctionInvokingChatClient"/> whose tool loop plans each batch of function calls the model returns from the functions'
/// declared effects, runs independent calls at once and conflicting calls in the emitted order (with <see cref="ParallelToolExecutor"/>),
/// answers the batch with one <see cref="ChatRole.Tool"/> message holding one <see cref="FunctionResultContent"/> per call in emitted
/// order, and repeats until the model answers without tool calls.
/// </summary>
/// <remarks>
/// <para>
/// It is a <see cref="FunctionInvokingChatClient"/> so that whatever looks for one finds it: <c>GetService&lt;FunctionInvokingChatClient&gt;()</c>
/// returns this client, so Microsoft Agent Framework's <c>ChatClientAgent</c> adds no tool loop of its own around it and its agent
/// function middleware works. It replaces the base class's loop (<see cref="GetResponseAsync"/> and <see cref="GetStreamingResponseAsync"/>
/// are its own; the base loop never runs) and honours the inherited settings:
/// <see cref="FunctionInvokingChatClient.MaximumIterationsPerRequest"/> (the request after the last iteration is sent without function
/// tools, so the model answers in text), <see cref="FunctionInvokingChatClient.MaximumConsecutiveErrorsPerRequest"/> (failed, timed-out
/// and rejected calls count; the failures are thrown, the exception itself when there is one, otherwise an <see cref="AggregateException"/>),
/// <see cref="FunctionInvokingChatClient.AdditionalTools"/>, <see cref="FunctionInvokingChatClient.TerminateOnUnknownCalls"/> (a
/// declaration-only tool always ends the loop), <see cref="FunctionInvokingChatClient.IncludeDetailedErrors"/> (initialised from
/// <see cref="ParallelInvocationOptions.IncludeDetailedErrors"/>; this property decides for this client's batches) and
/// <see cref="FunctionInvokingChatClient.FunctionInvoker"/> (when set, it runs each call instead of <see cref="AIFunction.InvokeAsync"/>,
/// at the time and concurrency the plan gives). <see cref="FunctionInvokingChatClient.AllowConcurrentInvocation"/> has no effect: the
/// plan decides what runs at once, and functions nobody declared follow <see cref="ParallelInvocationOptions.UndeclaredFunctions"/>.
/// Use it instead of <c>UseFunctionInvocation</c>, not above it: an inner <see cref="FunctionInvokingChatClient"/> would run the calls
/// before this client sees them, and the constructor logs a warning when it finds one.
/// </para>
/// <para>
/// Each call runs with <see cref="FunctionInvokingChatClient.CurrentContext"/> set to its own <see cref="FunctionInvocationContext"/>
/// (function, arguments, messages, options, call content, iteration, index and count, streaming), as the base class sets it. A function
/// (or agent middleware) may change the context's arguments before the function runs and may replace the result. When one sets
/// <see cref="FunctionInvocationContext.Terminate"/>, the loop ends after the batch: the rest of the batch still runs, every call is
/// answered in the tool message, and the response ends with it (the base class's serial mode leaves the calls after the terminating
/// one unanswered). Resource keys are bound from the model's arguments before the batch runs, so a rewrite that points a call at another
/// resource must keep its declaration true.
/// </para>
/// <para>
/// Like the base class, it handles <see cref="ChatOptions.ConversationId"/>, aggregates usage, streams, and gives a result for every
/// call id even when calls fail, time out or are rejected. Error results are not thrown: they go back to the model, marked with their
/// exception. When the caller cancels, the batch is cancelled and <see cref="OperationCanceledException"/> is thrown.
/// </para>
/// <para>
/// Every batch's <see cref="BatchReport"/> goes to <see cref="ParallelInvocationOptions.OnBatchCompleted"/>; the reports of a
/// non-streaming request are also in <see cref="ChatResponse.AdditionalProperties"/> under <see cref="BatchReportsKey"/>, and each
/// streamed tool-result update carries its report under <see cref="BatchReportKey"/>.
/// </para>
/// <para>
/// Approvals: calls of functions that require approval (an <c>ApprovalRequiredAIFunction</c>, <see cref="RequiresApprovalAttribute"/> or
/// <see cref="FunctionEffects.RequiringApproval"/>) are decided by <see cref="ParallelInvocationOptions.ApprovalHandler"/> when it is set.
/// When it is not, the standard Microsoft.Extensions.AI round trip applies, as with the base class: a turn holding
/// such a call does not run; the response returns every call of that turn (not only those that need approval) as a
/// <see cref="ToolApprovalRequestContent"/>, whose <c>RequiresConfirmation</c> is <see langword="false"/> for the calls that need
/// none. When a later request carries the caller's <see cref="ToolApprovalResponseContent"/>s, the calls are restored to the history,
/// the approved ones and the refused ones go to the engine as one batch (refused calls are answered with an error result that
/// gives the caller's reason), and the loop goes on. Approval contents are never sent to the inner client. A request that leaves
/// an approval request unanswered, or answers a call twice, throws <see cref="InvalidOperationException"/> before anything runs.
/// Answers already present in the messages are honoured even when a handler is set. Components that decide from the tools alone
/// which calls need approval (Agent Framework's approval bypassing) see only <c>ApprovalRequiredAIFunction</c>s: with them, prefer
/// that wrapper to the attribute or the declaration.
/// </para>
/// <para>Thread-safe for concurrent requests once its properties are set.</para>
/// </remarks>
public sealed class ParallelFunctionInvokingChatClient : FunctionInvokingChatClient
{
    /// <summary>The <see cref="ChatResponse.AdditionalProperties"/> key holding the request's reports, an <see cref="IReadOnlyList{T}"/> of <see cref="BatchReport"/>.</summary>
    public const string BatchReportsKey = "parallelsk.batch_reports";

    /// <summary>The <see cref="ChatResponseUpdate.AdditionalProperties"/> key holding the <see cref="BatchReport"/> of a streamed tool-result update.</summary>
    public const string BatchReportKey = "parallelsk.batch_report";

    private readonly ParallelToolExecutor _executor;
    private ToolMap? _toolMap;

    /// <summary>Initializes a new instance of the <see cref="ParallelFunctionInvokingChatClient"/> class.</summary>
    /// <param name="innerClient">The client that talks to the model.</param>
    /// <param name="options">How to plan and run batches; <see langword="null"/> for the defaults. Validated here, then snapshotted.</param>
    /// <param name="loggerFactory">Where to log; <see langword="null"/> for no logging.</param>
    /// <param name="functionInvocationServices">The services passed to functions in <see cref="AIFunctionArguments.Services"/>.</param>
    /// <exception cref="ParallelInvocationConfigurationException">The options are invalid.</exception>
    public ParallelFunctionInvokingChatClient(IChatClient innerClient, ParallelInvocationOptions? options = null, ILoggerFactory? loggerFactory = null, IServiceProvider? functionInvocationServices = null)
        : base(innerClient, loggerFactory, functionInvocationServices)
    {
        _executor = new ParallelToolExecutor(options, loggerFactory);
        Logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<ParallelFunctionInvokingChatClient>();
        IncludeDetailedErrors = _executor.Options.IncludeDetailedErrors;
        Invoker = InvokeAsync;
        if (innerClient.GetService<FunctionInvokingChatClient>() is { } inner)
        {
            ChatClientLog.InnerToolLoop(Logger, inner.GetType().Name);
        }
    }

    /// <summary>Gets the options batches are planned and run with.</summary>
    public ParallelInvocationOptions Options => _executor.Options;

    /// <summary>
    /// Gets or sets a value indicating whether requests that carry tools and leave <see cref="ChatOptions.AllowMultipleToolCalls"/>
    /// unset are sent with it set to <see langword="true"/>, so the model may batch calls. An explicit <see langword="false"/> is kept
    /// (and named in the first batch's <see cref="BatchReport.Diagnostics"/>).
    /// </summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool AllowMultipleToolCallsByDefault { get; set; } = true;

    internal ParallelToolExecutor Executor => _executor;

    internal ILogger Logger { get; }

    internal IServiceProvider? Services => FunctionInvocationServices;

    /// <summary>Gets how the engine runs each call: with <see cref="FunctionInvokingChatClient.CurrentContext"/> set, through <see cref="FunctionInvokingChatClient.FunctionInvoker"/> if any.</summary>
    internal Func<ToolCallRequest, CancellationToken, ValueTask<object?>> Invoker { get; }

    /// <summary>Gets a request's tools by name: the map of the last request when its tools are the same, else a new one.</summary>
    internal Dictionary<string, AITool> ToolsFor(IList<AITool>? requestTools)
    {
        var map = ToolMap.For(Volatile.Read(ref _toolMap), requestTools, AdditionalTools);
        Volatile.Write(ref _toolMap, map);
        return map.ByName;
    }

    /// <inheritdoc/>
    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var loop = new ToolLoop(this, messages, options, streaming: false);
        var reports = default(BatchReports);
        if (loop.AnsweredTurn is not null)
        {
            var answered = await loop.RunAnsweredAsync(cancellationToken).ConfigureAwait(false);
            reports.Add(answered.Report);
            loop.History.AddToolMessage(answered.ToolMessage);
            if (answered.Terminate)
            {
                return loop.Complete(new ChatResponse(), reports);
            }
        }

        for (int iteration = 0; ; iteration++)
        {
            var response = await InnerClient.GetResponseAsync(loop.History.Messages, loop.RequestOptions(iteration), cancellationToken).ConfigureAwait(false)
                ?? throw new InvalidOperationException($"The inner {nameof(IChatClient)} returned a null {nameof(ChatResponse)}.");
            var turn = loop.Receive(response.Messages, response.Usage, iteration);
            if (turn is null && iteration == 0 && reports.IsEmpty)
            {
                return response;
            }

            if (turn is null || turn.AwaitsApproval)
            {
                loop.History.AddFinal(turn is null ? response.Messages : turn.ToApprovalRequests(response.Messages));
                return loop.Complete(response, reports);
            }

            loop.History.AddResponse(response.Messages, response.ConversationId);
            var ran = await loop.RunAsync(turn, iteration, cancellationToken).ConfigureAwait(false);
            reports.Add(ran.Report);
            loop.History.AddToolMessage(ran.ToolMessage);
            if (ran.Terminate)
            {
                return loop.Complete(response, reports);
            }

            loop.NextIteration(response.ConversationId);
        }
    }

    /// <inheritdoc/>
    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var loop = new ToolLoop(this, messages, options, streaming: true);
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

            var answered = await loop.RunAnsweredAsync(cancellationToken).ConfigureAwait(false);
            loop.History.AddToolMessage(answered.ToolMessage);
            yield return ToolUpdate(answered, null, options?.ConversationId);
            if (answered.Terminate)
            {
                yield break;
            }
        }

        var updates = new List<ChatResponseUpdate>();
        for (int iteration = 0; ; iteration++)
        {
            updates.Clear();
            int heldFrom = -1;
            await foreach (var update in InnerClient.GetStreamingResponseAsync(loop.History.Messages, loop.RequestOptions(iteration), cancellationToken).ConfigureAwait(false))
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
            var ran = await loop.RunAsync(turn, iteration, cancellationToken).ConfigureAwait(false);
            loop.History.AddToolMessage(ran.ToolMessage);
            yield return ToolUpdate(ran, response.ResponseId, response.ConversationId);
            if (ran.Terminate)
            {
                yield break;
            }

            loop.NextIteration(response.ConversationId);
        }
    }

    /// <summary>Runs one call as the base class does: with <see cref="FunctionInvokingChatClient.CurrentContext"/> set, through <see cref="FunctionInvokingChatClient.FunctionInvoker"/> if any.</summary>
    /// <remarks>An async method: the context it sets flows into the function and never back out to the engine.</remarks>
    private async ValueTask<object?> InvokeAsync(ToolCallRequest request, CancellationToken cancellationToken)
    {
        var context = (FunctionInvocationContext)request.State!;
        CurrentContext = context;
        return await InvokeFunctionAsync(context, cancellationToken).ConfigureAwait(false);
    }

    private ChatResponseUpdate ToolUpdate(TurnResult result, string? responseId, string? conversationId) =>
        new(ChatRole.Tool, result.ToolMessage.Contents)
        {
            MessageId = result.ToolMessage.MessageId,
            ResponseId = responseId,
            ConversationId = conversationId,
            CreatedAt = _executor.Options.TimeProvider.GetUtcNow(),
            AdditionalProperties = new() { [BatchReportKey] = result.Report },
        };
}
