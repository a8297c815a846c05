using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Threading.Tasks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.SemanticKernel;

namespace SemanticKernel.ParallelInvocation;

/// <summary>
/// An auto-function-invocation filter that runs each batch of tool calls as a dependency graph, and keeps Semantic Kernel's filter contract
/// for every call: the kernel's other auto-function filters see each call once, in their usual nesting, with their argument changes,
/// vetoes, exception handling and Terminate taking effect as without this library.
/// </summary>
/// <remarks>
/// <para>
/// Registration: it must be the outermost auto-function filter. <see cref="KernelBuilderExtensions.AddParallelFunctionInvocation(IKernelBuilder, Action{ParallelInvocationOptions}?)"/>
/// puts it first among the kernel's filters wherever it is called. A filter inserted before it in <c>Kernel.AutoFunctionInvocationFilters</c>
/// after the kernel is built wraps only Semantic Kernel's delivery of each call, not the call's run, which may come earlier; this is named
/// by <see cref="ParallelInvocationDiagnostics.Check"/>, logged, and listed in the batch's <see cref="BatchReport.Diagnostics"/>.
/// </para>
/// <para>
/// How: at a batch's first delivered call it reads every call from the assistant message and predicts which of them Semantic Kernel will
/// deliver, validating each exactly as the delivering path does before any filter sees it (unparsable arguments, a function that was not
/// advertised or is not in the kernel). The engine plans them and runs each through the auto-function filters after this one, in the plan's
/// order and concurrency: a call Semantic Kernel has delivered already with Semantic Kernel's own context and <c>next</c>; a call not delivered
/// yet with a context built as that path builds it (the shared fields from the first delivered call, <c>FunctionSequenceIndex</c>,
/// <c>ToolCallId</c> and the arguments its own) and an innermost step like Semantic Kernel's: nothing if <c>Terminate</c> is set, else the
/// function invoked with that context's arguments. Each delivery is answered from its call's run: its <c>Result</c> and <c>Terminate</c>, or
/// the exception that escaped the inner filters, rethrown as it was thrown, so that Semantic Kernel writes its usual error. A batch with one
/// call to deliver runs as Semantic Kernel would, through <c>next</c>, as a batch of one.
/// </para>
/// <para>
/// Threads: the calls ready when a batch starts run on the thread that delivered its first call, one after another, as Semantic Kernel
/// runs them (unless <see cref="ParallelInvocationOptions.RunReadyCallsOnCallingThread"/> is <see langword="false"/>, or that thread has a
/// <see cref="System.Threading.SynchronizationContext"/>); while others wait, the engine's watchdog hands them to the pool if that thread
/// is held up. Delivered concurrently (OpenAI with <c>AllowConcurrentInvocation</c>), a call the engine starts before Semantic Kernel
/// delivers it waits for its delivery and then runs on the delivering thread with Semantic Kernel's own context, so that a call that
/// completes at once answers its delivery at once; should the delivering thread be held up in one call (a tool that blocks), the calls
/// waiting for their deliveries run without them, on the pool, with contexts built here, within about a millisecond. A call of a
/// concurrency group waits for its delivery without holding its group's permit, and starts on the pool.
/// </para>
/// <para>What still differs from Semantic Kernel alone:</para>
/// <list type="bullet">
/// <item><description>
/// Timing. Calls that do not conflict run at the same time and may run before Semantic Kernel delivers them, so the inner filters may see a
/// call earlier, and concurrently with others (as with <c>AllowConcurrentInvocation</c>: they must be thread-safe), and before the results
/// of earlier calls are in the chat history. Where the function-calls processor delivers one call at a time, it may be adding earlier
/// results to the chat history while such a call's filters run.
/// </description></item>
/// <item><description>
/// Identity. A call run before its delivery runs with a context built here, so Semantic Kernel's later context for it is another object
/// (with the same values, and the run's <c>Result</c> and <c>Terminate</c>). On the IChatClient path those contexts share one copy of the
/// messages as their <c>ChatHistory</c>, made once per batch.
/// </description></item>
/// <item><description>
/// Terminate. When a call's pipeline ends with <c>Terminate</c> set (before or after <c>next</c>), the batch halts: a later call that has
/// neither started nor been delivered does not run, and is answered "did not run: a filter ended automatic function invocation at call #k";
/// calls already running complete. Delivered concurrently (OpenAI with <c>AllowConcurrentInvocation</c>), Semantic Kernel has delivered
/// every call and runs them all: so does the batch, and Semantic Kernel answers every id. Where Semantic Kernel delivers one call at a time
/// and would leave the later ids unanswered, every id still gets exactly one result, which is stricter than Semantic Kernel: on the
/// function-calls processor (OpenAI and Azure OpenAI, the legacy <c>ToolCallBehavior</c> included) one tool message per later id is added to
/// the chat history, in emitted order and shaped as Semantic Kernel's own, before Semantic Kernel adds the terminating call's, so that the
/// message it returns is still that call's result; on Gemini and the IChatClient path, which put a batch's results into one message,
/// <c>Terminate</c> is cleared so that Semantic Kernel delivers the later calls, which are answered from the batch without any filter, and set
/// again on the last one, so that the loop stops after the batch. A call Semantic Kernel rejects itself after the last call it delivers
/// stays unanswered there, as without this library; and on Gemini, where filters cannot see which functions were advertised, every kernel
/// function is assumed advertised for this: should a later call to one left out of an explicit function list be the last expected, the loop
/// does not stop.
/// </description></item>
/// <item><description>
/// Unpredictable delivery. Where the advertised functions are unknown to filters (Gemini, the legacy <c>ToolCallBehavior</c>, a caller of the
/// function-calls processor whose settings have no <c>FunctionChoiceBehavior</c>), a call that writes waits for its own delivery before it
/// runs. A call that only reads may run before, through the inner filters: should Semantic Kernel never deliver it (a model calling a kernel
/// function that was not advertised), those filters saw a call Semantic Kernel did not deliver, and its result is unused. A call that writes
/// and that Semantic Kernel never delivers ends Rejected without running once a later call is delivered; if it comes after the last call
/// Semantic Kernel delivers, it waits for a delivery that never comes, and that batch's report is never produced.
/// </description></item>
/// <item><description>
/// A function-calls processor given its concurrency option apart from the execution settings (no <c>FunctionChoiceBehavior</c> in them)
/// delivers in a mode filters learn only from its later deliveries. If the first call it delivers terminates before any later one is
/// delivered, the later ids are left to Semantic Kernel (answered if it delivers concurrently, unanswered if one at a time, as without this
/// library); a later call the batch halted that Semantic Kernel then delivers runs as Semantic Kernel runs it, and the report lists it as not
/// run.
/// </description></item>
/// <item><description>
/// The plan. Resource keys are bound from the arguments the model sent, before any filter runs: a filter that changes an argument a key is
/// built from changes what the call touches without the plan knowing. The engine's own rules apply on top of Semantic Kernel's: approvals
/// (<see cref="RequiresApprovalAttribute"/>), timeouts, concurrency limits, the failure policy (by default a call ordered after a failed
/// write is skipped), and retries of idempotent functions, each retry passing through the inner filters again.
/// </description></item>
/// </list>
/// <para>
/// Re-entrancy: a call's function may process function calls again, even of the same message; such a nested batch is a batch of its own
/// and never waits on the batch it runs in.
/// </para>
/// <para>
/// Reports: the last answer Semantic Kernel receives for a batch is released only once the batch's <see cref="BatchReport"/> exists (and
/// <see cref="ParallelInvocationOptions.OnBatchCompleted"/> has returned), so a request never returns before the reports of its batches (but
/// for the batch of an undelivered write above).
/// </para>
/// <para>
/// Cancellation on the IChatClient path: Semantic Kernel gives auto-function filters no token there
/// (<see cref="AutoFunctionInvocationContext.CancellationToken"/> is <c>default</c>). For the calls run before their delivery the filter then
/// calls <c>next</c> once as a probe, with a context whose kernel has no auto-function filters, so no filter sees it; Semantic Kernel invokes
/// the function with the request's token, and an internal function-invocation filter, which <see cref="KernelBuilderExtensions.AddParallelFunctionInvocation(IServiceCollection, Action{ParallelInvocationOptions}?)"/>
/// registers as the outermost, records that token and returns without running the function, so no other function-invocation filter sees
/// the probe (Semantic Kernel still logs and traces it as an invocation of that function). Cancelling the request then cancels the running
/// calls and ends it with <see cref="OperationCanceledException"/>. Where that internal filter is not the kernel's first function-invocation
/// filter, no probe is made, and the calls run before their delivery run without the request's token.
/// </para>
/// <para>Thread-safe; one instance serves every kernel and request.</para>
/// </remarks>
[System.Diagnostics.CodeAnalysis.Experimental(Experiments.SemanticKernelAdapter, UrlFormat = Experiments.UrlFormat)]
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
    public Task OnAutoFunctionInvocationAsync(AutoFunctionInvocationContext context, Func<AutoFunctionInvocationContext, Task> next)
    {
        // Not an async method: each path returns its own task, so that a delivery costs no state machine of its own here.
        if (context is null || next is null)
        {
            return Task.FromException(new ArgumentNullException(context is null ? nameof(context) : nameof(next)));
        }

        try
        {
            var path = SkPaths.Of(context);
            var claim = Claim.NotThisBatch;
            if (context.FunctionCount > 1 && Key(context, path) is { } key)
            {
                var parent = BatchFlow.Current;
                claim = Find(key, parent, context, next, out var batch, out var call);
                if (claim == Claim.Claimed)
                {
                    return batch!.DeliverAsync(call!, context, next);
                }

                if (claim == Claim.NotThisBatch && !context.Terminate
                    && CallCapture.TryCapture(context, path) is { Calls.Count: >= 2 } capture && capture.Calls[0].Index == context.FunctionSequenceIndex)
                {
                    return StartAsync(context, next, path, capture, parent, key);
                }
            }

            // One call to deliver (or one the batch did not predict): nothing to run in parallel with, it runs as Semantic Kernel would, on
            // this thread; a call the batch did not predict starts on the pool, so that Semantic Kernel's loop goes on delivering the batch.
            return SingleCall.RunAsync(Executor, context, next, Diagnose(context, path), runHere: claim != Claim.NotPredicted);
        }
        catch (Exception ex)
        {
            // As from an async method: an exception thrown before the first wait ends the returned task, it is not thrown here.
            return Task.FromException(ex);
        }
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
