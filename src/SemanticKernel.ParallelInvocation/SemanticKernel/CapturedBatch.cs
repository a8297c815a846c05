using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.SemanticKernel;

namespace SemanticKernel.ParallelInvocation;

/// <summary>
/// One assistant turn's calls, captured when the first of them reaches the filter and run from there by the engine. Each later filter
/// invocation of the same turn picks up its own outcome. Calls whose delivery by Semantic Kernel cannot be predicted (advertised
/// functions unknown) wait for their own filter invocation before they run.
/// </summary>
internal sealed class CapturedBatch
{
    private readonly object _gate = new();
    private readonly Entry?[] _bySequence;
    private readonly List<Entry> _entries = [];
    private int _highestArrival = -1;

    private CapturedBatch(int count) => _bySequence = new Entry?[count];

    public Task<BatchReport> Run { get; private set; } = Task.FromResult<BatchReport>(null!);

    /// <summary>Builds the batch from the assistant message and starts it.</summary>
    public static CapturedBatch Start(ParallelToolExecutor executor, AutoFunctionInvocationContext first, IReadOnlyList<string> diagnostics)
    {
        var calls = FunctionCallContent.GetFunctionCalls(first.ChatMessageContent).ToArray();
        var batch = new CapturedBatch(calls.Length);
        var advertised = AdvertisedFunctions(first);
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

            bool deferred = advertised is null;
            if (advertised is not null && !advertised.Contains(function))
            {
                continue;
            }

            var entry = new Entry(i, function, call.Arguments ?? [], deferred);
            batch._bySequence[i] = entry;
            batch._entries.Add(entry);
            requests.Add(new ToolCallRequest(call.Id, function.Name, entry.Arguments, function)
            {
                State = entry,
                Invoker = (request, token) => ((Entry)request.State!).InvokeAsync(kernel, token),
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

        batch.Run = executor.ExecuteAsync(toolBatch, first.CancellationToken);
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
    internal sealed class Entry(int sequenceIndex, KernelFunction function, KernelArguments arguments, bool deferred)
    {
        public int SequenceIndex { get; } = sequenceIndex;

        public KernelFunction Function { get; } = function;

        public KernelArguments Arguments { get; } = arguments;

        public TaskCompletionSource<bool> Arrival { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource<ToolCallOutcome> Outcome { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public FunctionResult? Result { get; private set; }

        public async ValueTask<object?> InvokeAsync(Kernel kernel, CancellationToken cancellationToken)
        {
            if (deferred && !await Arrival.Task.WaitAsync(cancellationToken).ConfigureAwait(false))
            {
                throw new InvalidOperationException($"Semantic Kernel did not deliver the call to '{Function.Name}'; it was not run.");
            }

            Result = await Function.InvokeAsync(kernel, Arguments, cancellationToken).ConfigureAwait(false);
            return Result.GetValue<object>();
        }
    }
}
