using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;
using Microsoft.SemanticKernel;

namespace SemanticKernel.ParallelInvocation;

/// <summary>
/// An auto-function-invocation filter that runs each batch of tool calls as a dependency graph.
/// </summary>
/// <remarks>
/// <para>Thread-safe; one instance serves every kernel and request.</para>
/// </remarks>
public sealed class ParallelFunctionInvocationFilter : IAutoFunctionInvocationFilter
{
    private readonly ConditionalWeakTable<object, List<FilterBatch>> _batches = new();
    private readonly ConditionalWeakTable<Kernel, Diagnosis> _diagnoses = new();
    private readonly ILogger _logger;

    /// <summary>Initializes a new instance of the <see cref="ParallelFunctionInvocationFilter"/> class.</summary>
    /// <param name="executor">The engine that plans and runs each batch.</param>
    /// <param name="loggerFactory">Where diagnostics are logged.</param>
    public ParallelFunctionInvocationFilter(ParallelToolExecutor executor, ILoggerFactory? loggerFactory = null)
    {
        Executor = executor ?? throw new ArgumentNullException(nameof(executor));
        _logger = (ILogger?)loggerFactory?.CreateLogger<ParallelFunctionInvocationFilter>() ?? Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;
    }

    /// <summary>Gets the engine this filter runs batches with.</summary>
    public ParallelToolExecutor Executor { get; }

    /// <inheritdoc/>
    public async Task OnAutoFunctionInvocationAsync(AutoFunctionInvocationContext context, Func<AutoFunctionInvocationContext, Task> next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var path = SkPaths.Of(context);
        if (context.FunctionCount > 1 && Key(context, path) is { } key)
        {
            var parent = BatchFlow.Current;
            var claim = Find(key, parent, context, next, out var batch, out var call);
            if (claim == Claim.Claimed)
            {
                await batch!.DeliverAsync(call!, context, next).ConfigureAwait(false);
                return;
            }

            if (claim == Claim.NotThisBatch && !context.Terminate
                && CallCapture.TryCapture(context, path) is { Calls.Count: >= 2 } capture && capture.Calls[0].Index == context.FunctionSequenceIndex)
            {
                await StartAsync(context, next, path, capture, parent, key).ConfigureAwait(false);
                return;
            }
        }

        // One call to deliver (or one the batch did not predict): nothing to run in parallel with, it runs as Semantic Kernel would.
        await SingleCall.RunAsync(Executor, context, next, Diagnose(context, path)).ConfigureAwait(false);
    }

    /// <summary>
    /// What identifies a batch across its deliveries: the chat-completion connectors (the function-calls processor, Gemini) pass the same
    /// assistant message to every call; the IChatClient path builds a new one per call but shares Microsoft.Extensions.AI's message list,
    /// whose last message is the assistant's.
    /// </summary>
    private static object? Key(AutoFunctionInvocationContext context, SkPath path) =>
        path == SkPath.ChatClient
            ? ((Microsoft.Extensions.AI.FunctionInvocationContext)context).Messages is { Count: > 0 } messages ? messages[^1] : null
            : context.ChatMessageContent;

    private async Task StartAsync(
        AutoFunctionInvocationContext context, Func<AutoFunctionInvocationContext, Task> next, SkPath path, Capture capture, BatchCall? parent, object key)
    {
        // On the IChatClient path filters get no cancellation token: recover the one the functions are invoked with, for the calls run here.
        var cancellationToken = context.CancellationToken;
        if (path == SkPath.ChatClient && await CancellationProbeFilter.RecoverAsync(context, next).ConfigureAwait(false) is { } recovered)
        {
            cancellationToken = recovered;
        }

        var filters = context.Kernel.AutoFunctionInvocationFilters;
        int self = 0;
        while (self < filters.Count && !ReferenceEquals(filters[self], this))
        {
            self++;
        }

        var batch = new FilterBatch(Executor, context, next, path, capture, parent, self < filters.Count ? self + 1 : 0, cancellationToken);
        var batches = _batches.GetValue(key, static _ => []);
        batch.Registry = batches;
        lock (batches)
        {
            batches.Add(batch);
        }

        batch.Start(Diagnose(context, path));
        await batch.DeliverAsync(batch.CallAt(context.FunctionSequenceIndex), context, next).ConfigureAwait(false);
    }

    /// <summary>Finds the batch a delivery belongs to: registered under its key, owned by the current flow, and expecting that call.</summary>
    private Claim Find(object key, BatchCall? parent, AutoFunctionInvocationContext context, Func<AutoFunctionInvocationContext, Task> next, out FilterBatch? batch, out BatchCall? call)
    {
        batch = null;
        call = null;
        if (!_batches.TryGetValue(key, out var batches))
        {
            return Claim.NotThisBatch;
        }

        lock (batches)
        {
            for (int i = batches.Count - 1; i >= 0; i--)
            {
                var candidate = batches[i];
                if (!ReferenceEquals(candidate.Parent, parent))
                {
                    continue;
                }

                var claim = candidate.TryClaim(context, next, out call);
                if (claim != Claim.NotThisBatch)
                {
                    batch = candidate;
                    return claim;
                }
            }
        }

        return Claim.NotThisBatch;
    }

    /// <summary>The diagnostics of a kernel and the request's settings, computed once per combination and logged once per kernel.</summary>
    private string[] Diagnose(AutoFunctionInvocationContext context, SkPath path)
    {
        var kernel = context.Kernel;
        var settings = context.ExecutionSettings;
        var filters = kernel.AutoFunctionInvocationFilters;
        object? firstFilter = filters.Count > 0 ? filters[0] : null;
        var diagnosis = _diagnoses.GetValue(kernel, static _ => new Diagnosis());
        lock (diagnosis)
        {
            if (diagnosis.Found is { } cached && ReferenceEquals(diagnosis.Settings, settings) && ReferenceEquals(diagnosis.FirstFilter, firstFilter)
                && diagnosis.FilterCount == filters.Count && diagnosis.Path == path)
            {
                return cached;
            }

            var found = ParallelInvocationDiagnostics.Check(kernel, settings);
            if (path == SkPath.Gemini && settings is null)
            {
                // The Gemini connector passes no execution settings to filters; recognised by its message type.
                found = [.. found, ParallelInvocationDiagnostics.GeminiDelivery];
            }

            foreach (string d in found)
            {
                if (diagnosis.Logged.Add(d))
                {
                    Log.Diagnostic(_logger, d);
                }
            }

            (diagnosis.Settings, diagnosis.FirstFilter, diagnosis.FilterCount, diagnosis.Path, diagnosis.Found) = (settings, firstFilter, filters.Count, path, found);
            return found;
        }
    }

    /// <summary>The last diagnosis of one kernel, and what was logged for it.</summary>
    private sealed class Diagnosis
    {
        public PromptExecutionSettings? Settings { get; set; }

        public object? FirstFilter { get; set; }

        public int FilterCount { get; set; }

        public SkPath Path { get; set; }

        public string[]? Found { get; set; }

        public HashSet<string> Logged { get; } = new(StringComparer.Ordinal);
    }
}
