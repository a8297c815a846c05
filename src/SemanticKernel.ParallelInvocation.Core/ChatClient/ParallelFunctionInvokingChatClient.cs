using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
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
/// <para>Thread-safe for concurrent requests once its properties are set.</para>
/// </remarks>
public sealed class ParallelFunctionInvokingChatClient : DelegatingChatClient
{
    /// <summary>The <see cref="ChatResponse.AdditionalProperties"/> key holding the request's reports, an <see cref="IReadOnlyList{T}"/> of <see cref="BatchReport"/>.</summary>
    public const string BatchReportsKey = "parallelsk.batch_reports";

    /// <summary>The <see cref="ChatResponseUpdate.AdditionalProperties"/> key holding the <see cref="BatchReport"/> of a streamed tool-result update.</summary>
    public const string BatchReportKey = "parallelsk.batch_report";

    private readonly ParallelToolExecutor _executor;
    private readonly ILogger _logger;
    private readonly IServiceProvider? _functionInvocationServices;
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
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<ParallelFunctionInvokingChatClient>();
        _functionInvocationServices = functionInvocationServices;
    }

    /// <summary>Gets the options batches are planned and run with.</summary>
    public ParallelInvocationOptions Options => _executor.Options;

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
        for (int iteration = 0; ; iteration++)
        {
            var response = await base.GetResponseAsync(loop.History.Messages, loop.RequestOptions(iteration), cancellationToken).ConfigureAwait(false)
                ?? throw new InvalidOperationException($"The inner {nameof(IChatClient)} returned a null {nameof(ChatResponse)}.");
            var turn = loop.Receive(response.Messages, response.Usage, iteration);
            if (turn is null && iteration == 0)
            {
                return response;
            }

            if (turn is null)
            {
                loop.History.AddFinal(response.Messages);
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
        var updates = new List<ChatResponseUpdate>();
        for (int iteration = 0; ; iteration++)
        {
            updates.Clear();
            await foreach (var update in base.GetStreamingResponseAsync(loop.History.Messages, loop.RequestOptions(iteration), cancellationToken).ConfigureAwait(false))
            {
                updates.Add(update);
                yield return update;
            }

            var response = updates.ToChatResponse();
            var turn = loop.Receive(response.Messages, null, iteration);
            if (turn is null)
            {
                yield break;
            }

            loop.History.AddResponse(response.Messages, response.ConversationId);
            var (toolMessage, report) = await loop.RunAsync(turn, cancellationToken).ConfigureAwait(false);
            loop.History.AddToolMessage(toolMessage);
            yield return new ChatResponseUpdate(ChatRole.Tool, toolMessage.Contents)
            {
                MessageId = toolMessage.MessageId,
                ResponseId = response.ResponseId,
                ConversationId = response.ConversationId,
                CreatedAt = DateTimeOffset.UtcNow,
                AdditionalProperties = new() { [BatchReportKey] = report },
            };
            loop.NextIteration(response.ConversationId);
        }
    }

    /// <summary>The state of one call of the client: history, options, counters.</summary>
    private sealed class ToolLoop
    {
        private readonly ParallelFunctionInvokingChatClient _owner;
        private readonly Dictionary<string, AITool> _tools;
        private List<string>? _diagnostics;
        private ChatOptions? _options;
        private UsageDetails? _usage;
        private int _consecutiveErrors;

        public ToolLoop(ParallelFunctionInvokingChatClient owner, IEnumerable<ChatMessage> messages, ChatOptions? options)
        {
            _owner = owner;
            History = new ConversationHistory(messages);
            _tools = ToolTurn.CollectTools(options?.Tools, owner.AdditionalTools);
            if (owner.AllowMultipleToolCallsByDefault && options is { AllowMultipleToolCalls: null, Tools.Count: > 0 })
            {
                options = options.Clone();
                options.AllowMultipleToolCalls = true;
            }

            _options = options;
            _diagnostics = ParallelismDiagnostics.Inspect(options);
        }

        public ConversationHistory History { get; }

        /// <summary>The options for this iteration: past the iteration limit, without function tools, so the model has to answer.</summary>
        public ChatOptions? RequestOptions(int iteration)
        {
            if (iteration < _owner.MaximumIterationsPerRequest || _options?.Tools is not { Count: > 0 } tools)
            {
                return _options;
            }

            ChatClientLog.MaximumIterationsReached(_owner._logger, _owner.MaximumIterationsPerRequest);
            var last = _options.Clone();
            last.Tools = tools.Where(t => t is not AIFunctionDeclaration).ToList();
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

            ChatClientLog.BatchReceived(_owner._logger, iteration, turn.Calls.Count);
            if (turn.FindTerminatingCall(_tools, _owner.TerminateOnUnknownCalls) is { } stop)
            {
                if (stop.Unknown)
                {
                    ChatClientLog.UnknownCallTerminates(_owner._logger, stop.Name);
                }
                else
                {
                    ChatClientLog.NonInvocableCallTerminates(_owner._logger, stop.Name);
                }

                return null;
            }

            return turn;
        }

        /// <summary>Runs the turn's batch and builds its tool message; throws when the caller cancelled or errors persisted.</summary>
        public async Task<(ChatMessage ToolMessage, BatchReport Report)> RunAsync(ToolTurn turn, CancellationToken cancellationToken)
        {
            // The request's diagnostics go with its first batch only, so they are logged once.
            var batch = turn.ToBatch(_tools, _owner._functionInvocationServices, _diagnostics ?? []);
            _diagnostics = null;
            var report = await _owner._executor.ExecuteAsync(batch, cancellationToken).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            CountErrors(report);
            return (turn.ToToolMessage(report), report);
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

        public ChatResponse Complete(ChatResponse last, List<BatchReport> reports)
        {
            last.Messages = History.ResponseMessages;
            last.Usage = _usage;
            (last.AdditionalProperties ??= [])[BatchReportsKey] = reports.AsReadOnly();
            return last;
        }

        private void CountErrors(BatchReport report)
        {
            var errors = report.Calls
                .Where(static c => c.Exception is not null && c.Status is ToolCallStatus.Failed or ToolCallStatus.TimedOut or ToolCallStatus.Rejected)
                .Select(static c => c.Exception!)
                .ToList();
            if (errors.Count == 0)
            {
                _consecutiveErrors = 0;
                return;
            }

            if (++_consecutiveErrors <= _owner.MaximumConsecutiveErrorsPerRequest)
            {
                return;
            }

            ChatClientLog.MaximumConsecutiveErrorsExceeded(_owner._logger, _owner.MaximumConsecutiveErrorsPerRequest);
            if (errors.Count == 1)
            {
                ExceptionDispatchInfo.Throw(errors[0]);
            }

            throw new AggregateException(errors);
        }
    }
}
