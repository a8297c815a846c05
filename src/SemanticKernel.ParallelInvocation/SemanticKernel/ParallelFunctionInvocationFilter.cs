using System;
using System.Diagnostics.CodeAnalysis;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.SemanticKernel;

namespace SemanticKernel.ParallelInvocation;

/// <summary>
/// An auto-function-invocation filter that runs each batch of tool calls as a dependency graph. At the first call of a batch it reads
/// the whole batch from <see cref="AutoFunctionInvocationContext.ChatMessageContent"/>, plans it, and starts every call whose turn has
/// come; each of the batch's filter invocations then returns its own call's result through <see cref="AutoFunctionInvocationContext.Result"/>.
/// This works whether Semantic Kernel delivers the calls together (OpenAI with concurrent invocation) or one at a time (OpenAI
/// without it, Gemini, the <c>IChatClient</c> path).
/// </summary>
/// <remarks>
/// <para>
/// Register it last, so that it is the innermost auto-function filter (<see cref="KernelBuilderExtensions.AddParallelFunctionInvocation(IKernelBuilder, Action{ParallelInvocationOptions}?)"/>
/// registers it where it is called). Filters registered before it see every call and its result, in order, as usual; but a call may
/// already have run when its own filter invocation arrives, so a filter cannot veto a call by not calling <c>next</c>: declare such
/// functions with <see cref="RequiresApprovalAttribute"/> and use <see cref="ParallelInvocationOptions.ApprovalHandler"/> instead.
/// Filters registered after it do not run for the calls it executes.
/// </para>
/// <para>
/// Terminate: when a filter sets <c>Terminate</c> on call k, Semantic Kernel delivers no later call of the batch. The batch was
/// captured at its first call, so some later calls may already have run. <see cref="KernelBuilderExtensions.AddParallelFunctionInvocation(IServiceCollection, Action{ParallelInvocationOptions}?)"/>
/// therefore also registers an internal sentinel as the outermost auto-function filter; once every other filter has returned from
/// call k with <c>Terminate</c> set, it acts according to how the calls were delivered:
/// </para>
/// <list type="bullet">
/// <item><description>
/// One at a time on a chat-completion connector built on Semantic Kernel's function-calls processor (OpenAI and Azure OpenAI without
/// <c>AllowConcurrentInvocation</c>, including the legacy <c>ToolCallBehavior</c>): deferred calls not yet delivered end Rejected
/// without running; the sentinel waits for the later calls the engine started or will start (honouring the request's cancellation
/// token), then appends to <c>ChatHistory</c> one <c>AuthorRole.Tool</c> message per call after k, in emitted order, each with a
/// <see cref="Microsoft.SemanticKernel.FunctionResultContent"/> as Semantic Kernel writes it: the call's real result, the engine's
/// error text (failed, skipped, rejected), or Semantic Kernel's own error text for a call it would have rejected as invalid. Semantic
/// Kernel then appends call k's own result, so the history reads: assistant message, results of calls 1..k-1, results of calls
/// k+1..n, result of call k. Tool messages are matched to calls by <c>tool_call_id</c>, so the next request is valid, and the message
/// Semantic Kernel returns (the last of the history) is still call k's result. Ids already answered are never answered twice.
/// </description></item>
/// <item><description>
/// Concurrently (OpenAI with <c>AllowConcurrentInvocation</c>, e.g. <see cref="ParallelFunctionChoiceBehavior"/>): Semantic Kernel
/// delivers and answers every id itself; the sentinel does nothing.
/// </description></item>
/// <item><description>
/// Gemini, and the IChatClient path (<c>KernelFunctionInvokingChatClient</c>, where Terminate becomes Microsoft.Extensions.AI's
/// <c>FunctionInvocationContext.Terminate</c>): these collect a batch's results into one tool message after the last call they deliver,
/// so no message of ours could be added. The sentinel clears <c>Terminate</c> on call k and lets Semantic Kernel go on delivering the
/// later calls; it answers each itself, without calling the filters inside it (as after a Terminate, they see no later call), with
/// the engine's outcome: the call's real result if it ran, the engine's error text otherwise (deferred calls not yet delivered end
/// Rejected without running; a delivered call the batch did not hold gets an error saying it did not run). On the last call Semantic
/// Kernel will deliver it sets <c>Terminate</c> again, so the loop stops after this batch as Semantic Kernel's would, and the one
/// tool message answers every call in emitted order. Where no later call will be delivered the sentinel leaves Terminate as it is.
/// A call Semantic Kernel rejects itself (an unknown or unadvertised function) that comes after the last call it delivers is never
/// reached, and stays unanswered as without this library. On Gemini filters cannot see which functions were advertised: the sentinel
/// assumes every kernel function was (as with <c>FunctionChoiceBehavior.Auto()</c>); should a later call to a kernel function left out
/// of an explicit function list be the last one expected, the loop does not stop. If the filter that set Terminate also threw, these
/// connectors do not stop, and neither does the batch.
/// </description></item>
/// </list>
/// <para>
/// If a filter sets Terminate before calling <c>next</c> (or does not call it) on call k, call k's id gets whatever result that
/// filter left, as in Semantic Kernel; when the engine had already run call k, its outcome is only in the <see cref="BatchReport"/>.
/// The sentinel is outermost only among filters registered through the services; a filter inserted before it in
/// <c>Kernel.AutoFunctionInvocationFilters</c> after the kernel is built and setting Terminate is not seen.
/// </para>
/// <para>
/// Cancellation on the IChatClient path: Semantic Kernel gives auto-function filters no token there
/// (<see cref="AutoFunctionInvocationContext.CancellationToken"/> is <c>default</c>). At a batch's first call the filter then calls
/// <c>next</c> once as a probe, with arguments holding only a private marker; Semantic Kernel invokes the function with the request's
/// token, and an internal function-invocation filter, which <see cref="KernelBuilderExtensions.AddParallelFunctionInvocation(IServiceCollection, Action{ParallelInvocationOptions}?)"/>
/// registers as the outermost, records that token and returns without running the function, so no other function-invocation filter
/// sees the probe (Semantic Kernel still logs and traces it as an invocation of that function). The batch runs with that token, and
/// cancelling the request cancels the running calls and ends the request with <see cref="OperationCanceledException"/>. The probe is
/// made only when this filter is the last auto-function filter (a filter after it would see the probe) and the internal filter is
/// the kernel's first function-invocation filter; otherwise the batch runs without the request's token, as before.
/// </para>
/// <para>Thread-safe; one instance serves every kernel and request.</para>
/// </remarks>
[System.Diagnostics.CodeAnalysis.Experimental(Experiments.SemanticKernelAdapter, UrlFormat = Experiments.UrlFormat)]
public sealed class ParallelFunctionInvocationFilter : IAutoFunctionInvocationFilter
{
    private readonly ConditionalWeakTable<object, CapturedBatch> _batches = new();
    private readonly ConditionalWeakTable<Kernel, object> _diagnosedKernels = new();
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
        if (context.Terminate || context.ChatMessageContent is null)
        {
            await next(context).ConfigureAwait(false);
            return;
        }

        if (!TryGetBatch(context, out var batch))
        {
            // On the IChatClient path the context carries no token: recover the one Semantic Kernel would invoke the function with.
            var token = await CancellationProbeFilter.RecoverAsync(context, next, this).ConfigureAwait(false) ?? context.CancellationToken;
            batch = GetOrStartBatch(context, token);
        }

        var entry = batch.Arrive(context.FunctionSequenceIndex, context.Function);
        if (entry is null)
        {
            // Not a call this filter predicted Semantic Kernel would deliver: run it the ordinary way.
            await next(context).ConfigureAwait(false);
            return;
        }

        var outcome = await entry.Outcome.Task.WaitAsync(batch.CancellationTokenFor(context)).ConfigureAwait(false);
        context.Result = entry.ResultFor(context.Function, outcome);
    }

    /// <summary>
    /// Finds the batch a filter invocation belongs to, or starts it. Its identity depends on the path: the chat-completion connectors
    /// (OpenAI, Gemini) pass the same <see cref="AutoFunctionInvocationContext.ChatMessageContent"/> to every call of a batch but build a
    /// fresh <see cref="Microsoft.Extensions.AI.FunctionInvocationContext.Messages"/> copy for each; the IChatClient path does the
    /// opposite (one message list, a new ChatMessageContent per call). A batch is registered under both, so whichever is stable finds it.
    /// </summary>
    private CapturedBatch GetOrStartBatch(AutoFunctionInvocationContext context, CancellationToken cancellationToken)
    {
        object message = context.ChatMessageContent;
        object? last = context.Messages is { Count: > 0 } messages ? messages[^1] : null;
        lock (_batches)
        {
            if (TryGetBatchLocked(message, last, out var batch))
            {
                return batch;
            }

            batch = CapturedBatch.Start(Executor, context, cancellationToken, Diagnose(context));
            _batches.AddOrUpdate(message, batch);
            if (last is not null)
            {
                _batches.AddOrUpdate(last, batch);
            }

            return batch;
        }
    }

    /// <summary>Finds the batch a filter invocation belongs to, if this filter started one (used by <see cref="TerminateSentinelFilter"/>).</summary>
    internal bool TryGetBatch(AutoFunctionInvocationContext context, [NotNullWhen(true)] out CapturedBatch? batch)
    {
        object? last = context.Messages is { Count: > 0 } messages ? messages[^1] : null;
        lock (_batches)
        {
            return TryGetBatchLocked(context.ChatMessageContent, last, out batch);
        }
    }

    private bool TryGetBatchLocked(object message, object? last, [NotNullWhen(true)] out CapturedBatch? batch) =>
        _batches.TryGetValue(message, out batch) || (last is not null && _batches.TryGetValue(last, out batch));

    private string[] Diagnose(AutoFunctionInvocationContext context)
    {
        var found = ParallelInvocationDiagnostics.Check(context.Kernel, context.ExecutionSettings);
        if (context.ExecutionSettings is null && context.ChatMessageContent.GetType().Name.Contains("Gemini", StringComparison.Ordinal))
        {
            // The Gemini connector passes no execution settings to filters; recognise it by its message type.
            found = [.. found, ParallelInvocationDiagnostics.GeminiDelivery];
        }

        if (context.Kernel.AutoFunctionInvocationFilters.LastOrDefault() != this)
        {
            found = [.. found, "ParallelFunctionInvocationFilter is not the last auto-function filter: filters registered after it do not run for the calls it executes. Register it last."];
        }

        if (!_diagnosedKernels.TryGetValue(context.Kernel, out _))
        {
            _diagnosedKernels.AddOrUpdate(context.Kernel, new object());
            foreach (string d in found)
            {
                Log.Diagnostic(_logger, d);
            }
        }

        return found;
    }
}
