using System;
using System.Collections.Generic;

namespace SemanticKernel.ParallelInvocation;

/// <summary>The calls of one model turn, in emitted order, with what the host noticed about the turn.</summary>
[System.Diagnostics.CodeAnalysis.Experimental(Experiments.Engine, UrlFormat = Experiments.UrlFormat)]
public sealed class ToolCallBatch
{
    /// <summary>Initializes a new instance of the <see cref="ToolCallBatch"/> class.</summary>
    /// <param name="calls">The calls in the order the model emitted them.</param>
    public ToolCallBatch(IReadOnlyList<ToolCallRequest> calls)
    {
        ArgumentNullException.ThrowIfNull(calls);
        Calls = calls;
    }

    /// <summary>Gets the calls in emitted order.</summary>
    public IReadOnlyList<ToolCallRequest> Calls { get; }

    /// <summary>
    /// Gets a callback invoked once per call as soon as its outcome is decided, before the batch completes; hosts that answer
    /// calls one at a time (Semantic Kernel's sequential connectors) use it. It runs under the batch's scheduling lock: keep it
    /// to signalling (e.g. completing a <see cref="System.Threading.Tasks.TaskCompletionSource"/> with asynchronous continuations).
    /// </summary>
    public Action<ToolCallOutcome>? OnCallCompleted { get; init; }

    /// <summary>Gets diagnostics the host found about this turn (e.g. settings that silently disable parallel calls); they are logged once and copied into the report.</summary>
    public IList<string> Diagnostics { get; } = new List<string>();

    /// <summary>
    /// Gets whether failed calls' messages for the model include the exception, for this batch; <see langword="null"/> (the default) uses
    /// <see cref="ParallelInvocationOptions.IncludeDetailedErrors"/>. The chat-client middleware passes its own <c>IncludeDetailedErrors</c>.
    /// </summary>
    internal bool? IncludeDetailedErrors { get; init; }

    /// <summary>
    /// Gets a check the engine makes just before it starts a call, and when a call's delivery gate says no: a non-null message halts the
    /// call, which then ends <see cref="ToolCallStatus.Rejected"/> with that message for the model, without running, and without causing
    /// the calls ordered after it to be skipped. A host uses it to stop a batch part-way (the Semantic Kernel adapter, when a filter sets
    /// Terminate). It runs under the batch's scheduling lock: keep it to reading the host's own state.
    /// </summary>
    internal Func<ToolCallRequest, string?>? HaltCheck { get; init; }
}
