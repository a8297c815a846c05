using System;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Threading.Tasks;
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
/// Terminate: when a filter sets <c>Terminate</c>, Semantic Kernel stops delivering the rest of the batch. Calls already started
/// still finish (their outcomes are in the <see cref="BatchReport"/> given to <see cref="ParallelInvocationOptions.OnBatchCompleted"/>);
/// calls not yet started are cancelled with the request. Semantic Kernel itself writes no result for the undelivered ids.
/// </para>
/// <para>Thread-safe; one instance serves every kernel and request.</para>
/// </remarks>
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

        // The IChatClient path rebuilds ChatMessageContent for every call; its message list's last message is the stable batch identity.
        object key = context.Messages is { Count: > 0 } messages ? messages[^1] : context.ChatMessageContent;
        var batch = _batches.GetValue(key, _ => CapturedBatch.Start(Executor, context, Diagnose(context)));
        var entry = batch.Arrive(context.FunctionSequenceIndex, context.Function);
        if (entry is null)
        {
            // Not a call this filter predicted Semantic Kernel would deliver: run it the ordinary way.
            await next(context).ConfigureAwait(false);
            return;
        }

        var outcome = await entry.Outcome.Task.WaitAsync(context.CancellationToken).ConfigureAwait(false);
        context.Result = outcome.Status == ToolCallStatus.Succeeded && entry.Result is { } result
            ? result
            : new FunctionResult(context.Function, outcome.ResultForModel);
    }

    private string[] Diagnose(AutoFunctionInvocationContext context)
    {
        var found = ParallelInvocationDiagnostics.Check(context.Kernel, context.ExecutionSettings);
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
