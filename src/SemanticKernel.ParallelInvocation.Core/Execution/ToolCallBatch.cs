using System;
using System.Collections.Generic;
using SemanticKernel.ParallelInvocation.Execution;

namespace SemanticKernel.ParallelInvocation;

/// <summary>The calls of one model turn, in emitted order, with what the host noticed about the turn.</summary>
[System.Diagnostics.CodeAnalysis.Experimental(Experiments.Engine, UrlFormat = Experiments.UrlFormat)]
public sealed class ToolCallBatch
{
    private readonly object _runGate = new();
    private BatchRun? _run;
    private HaltRequest? _pendingHalt;

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
    /// An exception it throws is logged and changes nothing: the outcome stands and the batch goes on.
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
    /// Gets a value indicating whether the host awaits the batch at once, so that running its ready calls on the calling thread costs
    /// it nothing (the <c>IChatClient</c> middleware): what <see cref="ParallelInvocationOptions.RunReadyCallsOnCallingThread"/> left
    /// unset means for this batch.
    /// </summary>
    internal bool HostAwaitsAtOnce { get; init; }

    /// <summary>
    /// Stops the run of this batch from starting more calls (Semantic Kernel's <c>Terminate</c>): every call whose function has not started
    /// and whose outcome is not decided yet ends <see cref="ToolCallStatus.Skipped"/> with <paramref name="message"/>'s text and
    /// <see cref="ToolCallOutcome.SkippedBecauseOf"/> = <paramref name="causeIndex"/>, except the calls <paramref name="exempt"/> accepts
    /// (asked once per such call, at the halt, under the batch's lock). Running calls finish; calls waiting for their approval or their
    /// delivery end skipped when that wait ends; calls waiting for their group's permit stop waiting. A skip by a halt does not make later
    /// calls skipped under the failure policy (they are halted too, unless exempt). Idempotent: only the first halt of a run counts. Safe
    /// from anywhere, an <see cref="ToolCallRequest.Invoker"/> or <see cref="OnCallCompleted"/> included. Called while no run of this batch is
    /// in progress, it applies to the next one.
    /// </summary>
    /// <param name="causeIndex">The call that made the host halt the batch.</param>
    /// <param name="message">The error result of each skipped call.</param>
    /// <param name="exempt">Calls to leave running as if there were no halt, or <see langword="null"/> for none.</param>
    internal void Halt(int causeIndex, Func<ToolCallOutcome, string> message, Func<ToolCallOutcome, bool>? exempt = null)
    {
        ArgumentNullException.ThrowIfNull(message);
        var request = new HaltRequest(causeIndex, message, exempt);
        BatchRun? run;
        lock (_runGate)
        {
            run = _run;
            if (run is null)
            {
                _pendingHalt ??= request;
                return;
            }
        }

        run.Halt(request);
    }

    /// <summary>A run of this batch starts: it takes the halt requested before it, if any.</summary>
    internal HaltRequest? Attach(BatchRun run)
    {
        lock (_runGate)
        {
            _run = run;
            var pending = _pendingHalt;
            _pendingHalt = null;
            return pending;
        }
    }

    internal void Detach(BatchRun run)
    {
        lock (_runGate)
        {
            if (ReferenceEquals(_run, run))
            {
                _run = null;
            }
        }
    }
}
