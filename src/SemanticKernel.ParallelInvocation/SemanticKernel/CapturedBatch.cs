using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.SemanticKernel;
using SemanticKernel.ParallelInvocation.Execution;

namespace SemanticKernel.ParallelInvocation;

/// <summary>
/// One assistant turn's calls, captured when the first of them reaches the filter and run from there by the engine. Each later filter
/// invocation of the same turn picks up its own outcome. Calls whose delivery by Semantic Kernel cannot be predicted (advertised
/// functions unknown) are gated on their own filter invocation: the engine starts them only once it has come.
/// </summary>
internal sealed class CapturedBatch
{
    private readonly object _gate = new();
    private readonly Entry?[] _bySequence;
    private readonly List<Entry> _entries = [];
    private int _highestArrival = -1;
    private int _terminatedAt = -1;
    private int _answeredUntil = -1;

    private CapturedBatch(FunctionCallContent[] calls, HashSet<KernelFunction>? advertised)
    {
        Calls = calls;
        Advertised = advertised;
        _bySequence = new Entry?[calls.Length];
    }

    public Task<BatchReport> Run { get; private set; } = Task.FromResult<BatchReport>(null!);

    /// <summary>Gets every call of the assistant message, in emitted order (including those Semantic Kernel rejects).</summary>
    public FunctionCallContent[] Calls { get; }

    /// <summary>
    /// Gets the request's cancellation token the batch runs with: the first call's <see cref="AutoFunctionInvocationContext.CancellationToken"/>,
    /// or on the IChatClient path, where that is always <c>default</c>, the token recovered by <see cref="CancellationProbeFilter"/>.
    /// </summary>
    public CancellationToken CancellationToken { get; private init; }

    /// <summary>Gets the token a filter invocation of this batch waits with: its context's, or where that has none, the batch's.</summary>
    public CancellationToken CancellationTokenFor(AutoFunctionInvocationContext context) =>
        context.CancellationToken.CanBeCanceled ? context.CancellationToken : CancellationToken;

    /// <summary>Gets the functions advertised to the model, or null where unknown.</summary>
    public HashSet<KernelFunction>? Advertised { get; }

    /// <summary>Gets the entry of the call at <paramref name="sequenceIndex"/>, or null if the batch does not run it.</summary>
    public Entry? EntryAt(int sequenceIndex) => sequenceIndex >= 0 && sequenceIndex < _bySequence.Length ? _bySequence[sequenceIndex] : null;

    /// <summary>
    /// Semantic Kernel will deliver no more calls of this batch (a filter set Terminate): deferred calls not delivered yet end
    /// Rejected without running, and any later arrival is treated as not delivered.
    /// </summary>
    public void StopDeliveries()
    {
        lock (_gate)
        {
            for (int j = _highestArrival + 1; j < _bySequence.Length; j++)
            {
                _bySequence[j]?.Arrival.TrySetResult(false);
            }

            _highestArrival = _bySequence.Length;
        }
    }

    /// <summary>
    /// Gets the call at which a filter set Terminate, where the sentinel let Semantic Kernel go on delivering the later calls so that
    /// they are answered from the engine (paths that collect a batch's results into one message); -1 otherwise.
    /// </summary>
    public int TerminatedAt => Volatile.Read(ref _terminatedAt);

    /// <summary>Gets the last call Semantic Kernel is expected to deliver after <see cref="TerminatedAt"/>: its answer ends the loop.</summary>
    public int AnsweredUntil => Volatile.Read(ref _answeredUntil);

    /// <summary>Records that later calls up to <paramref name="answeredUntil"/> are answered from the engine after a Terminate at <paramref name="terminatedAt"/>.</summary>
    public void AnswerAfterTermination(int terminatedAt, int answeredUntil)
    {
        Volatile.Write(ref _answeredUntil, answeredUntil);
        Volatile.Write(ref _terminatedAt, terminatedAt);
    }

    /// <summary>Builds the batch from the assistant message and starts it.</summary>
    public static CapturedBatch Start(ParallelToolExecutor executor, AutoFunctionInvocationContext first, CancellationToken cancellationToken, IReadOnlyList<string> diagnostics)
    {
        var calls = FunctionCallContent.GetFunctionCalls(first.ChatMessageContent).ToArray();
        if (first.FunctionCount > 0 && calls.Length > first.FunctionCount)
        {
            // Semantic Kernel 1.80's Gemini streaming path rebuilds the assistant message with each call in its items twice (once from
            // the message's parts, then copied from the streamed chunk); the connector delivers only its FunctionCount calls, which
            // come first. Elsewhere the two counts agree.
            calls = calls[..first.FunctionCount];
        }

        var advertised = AdvertisedFunctions(first);
        var batch = new CapturedBatch(calls, advertised) { CancellationToken = cancellationToken };
        var kernel = first.Kernel;
        var requests = new List<ToolCallRequest>();
        for (int i = 0; i < calls.Length; i++)
        {
            var call = calls[i];
            // Semantic Kernel rejects these before any filter sees them; they must neither run nor block the batch.
            if (call.Exception is not null || !kernel.Plugins.TryGetFunction(call.PluginName, call.FunctionName, out var function))
            {
                continue;
            }

            // Semantic Kernel may still reject a call whose advertisement is unknown (Gemini tells filters nothing about it). Such a call
            // runs early only if it writes nothing: should it never be delivered, its result is simply unused. A writing call is gated on
            // its own filter invocation, which the engine awaits without counting it as run time or holding a concurrency slot.
            bool deferred = advertised is null && MayWrite(executor, function);
            if (advertised is not null && !advertised.Contains(function))
            {
                continue;
            }

            var entry = new Entry(i, function, call.Arguments ?? []);
            batch._bySequence[i] = entry;
            batch._entries.Add(entry);
            requests.Add(new ToolCallRequest(call.Id, function.Name, entry.Arguments, function)
            {
                State = entry,
                Invoker = (request, token) => ((Entry)request.State!).InvokeAsync(kernel, token),
                DeliveryGate = deferred ? _ => new ValueTask<bool>(entry.Arrival.Task) : null,
            });
        }

        var toolBatch = new ToolCallBatch(requests)
        {
            OnCallCompleted = outcome => ((Entry)outcome.Request.State!).Outcome.TrySetResult(outcome),
        };
        foreach (string d in diagnostics)
        {
            toolBatch.Diagnostics.Add(d);
        }

        batch.Run = executor.ExecuteAsync(toolBatch, cancellationToken);
        _ = batch.Run.ContinueWith(
            static (run, state) =>
            {
                // A declaration error (e.g. contradictory attributes on a plugin added after the kernel was built) fails the batch
                // before any call is decided: every waiting filter invocation gets the error instead of waiting forever.
                foreach (var entry in (List<Entry>)state!)
                {
                    entry.Outcome.TrySetException(run.Exception!.InnerExceptions);
                }
            },
            batch._entries,
            CancellationToken.None,
            TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
        return batch;
    }

    /// <summary>Records the arrival of the call at <paramref name="sequenceIndex"/> and returns its entry, or null if it is not in the batch.</summary>
    public Entry? Arrive(int sequenceIndex, KernelFunction function)
    {
        lock (_gate)
        {
            // Calls arrive in emitted order in every connector: a deferred call skipped over was rejected by Semantic Kernel.
            for (int j = _highestArrival + 1; j < sequenceIndex && j < _bySequence.Length; j++)
            {
                _bySequence[j]?.Arrival.TrySetResult(false);
            }

            _highestArrival = Math.Max(_highestArrival, sequenceIndex);
            var entry = sequenceIndex >= 0 && sequenceIndex < _bySequence.Length ? _bySequence[sequenceIndex] : null;
            if (entry is null || !ReferenceEquals(entry.Function, function) && entry.Function.Name != function.Name)
            {
                return null;
            }

            entry.Arrival.TrySetResult(true);
            return entry;
        }
    }

    private static bool MayWrite(ParallelToolExecutor executor, KernelFunction function)
    {
        try
        {
            return executor.Resolver.Resolve(function, function.Name).Declaration.WriteKeys.Count > 0;
        }
        catch (ParallelInvocationConfigurationException)
        {
            return true; // the engine reports the declaration error itself
        }
    }

    private static HashSet<KernelFunction>? AdvertisedFunctions(AutoFunctionInvocationContext context)
    {
        if (context.ExecutionSettings?.FunctionChoiceBehavior is not { } behavior)
        {
            return null;
        }

        var configuration = behavior.GetConfiguration(new FunctionChoiceBehaviorConfigurationContext(context.ChatHistory)
        {
            Kernel = context.Kernel,
            RequestSequenceIndex = context.RequestSequenceIndex,
        });
        return configuration.Functions is { } functions ? [.. functions] : null;
    }

    /// <summary>One call of the batch as the filter sees it.</summary>
    internal sealed class Entry(int sequenceIndex, KernelFunction function, KernelArguments arguments)
    {
        public int SequenceIndex { get; } = sequenceIndex;

        public KernelFunction Function { get; } = function;

        public KernelArguments Arguments { get; } = arguments;

        /// <summary>Gets whether Semantic Kernel delivered the call (its filter invocation came) or, false, never will.</summary>
        public TaskCompletionSource<bool> Arrival { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource<ToolCallOutcome> Outcome { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public FunctionResult? Result { get; private set; }

        /// <summary>The result a filter invocation of this call hands back: the function's own on success, else the engine's error text.</summary>
        public FunctionResult ResultFor(KernelFunction function, ToolCallOutcome outcome) =>
            outcome.Status == ToolCallStatus.Succeeded && Result is { } result ? result : new FunctionResult(function, outcome.ResultForModel);

        public async ValueTask<object?> InvokeAsync(Kernel kernel, CancellationToken cancellationToken)
        {
            Result = await Function.InvokeAsync(kernel, Arguments, cancellationToken).ConfigureAwait(false);
            return Result.GetValue<object>();
        }
    }
}
