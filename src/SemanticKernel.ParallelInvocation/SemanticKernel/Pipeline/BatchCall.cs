using System;
using System.Runtime.ExceptionServices;
using System.Threading.Tasks;
using Microsoft.SemanticKernel;

namespace SemanticKernel.ParallelInvocation;

/// <summary>
/// One call of a captured batch: what Semantic Kernel will deliver for it, its delivery once it comes, and its run. Fields marked
/// "batch lock" are read and written under the owning <see cref="FilterBatch"/>'s lock.
/// </summary>
internal sealed class BatchCall(int index, KernelFunction function, KernelArguments? arguments, string? callId, object callContent, bool uncertain)
{
    /// <summary>Gets the batch the call belongs to; set once, when the batch is made from the capture that predicted the call.</summary>
    public FilterBatch Batch { get; set; } = null!;

    /// <summary>Gets the call's position in the assistant message (its <c>FunctionSequenceIndex</c>).</summary>
    public int Index { get; } = index;

    public KernelFunction Function { get; } = function;

    /// <summary>Gets the arguments a context built for this call starts with (on the function-calls processor, the call's own object).</summary>
    public KernelArguments? Arguments { get; } = arguments;

    public string? CallId { get; } = callId;

    /// <summary>Gets the call as the assistant message holds it: Semantic Kernel's or, on the IChatClient path, Microsoft.Extensions.AI's content.</summary>
    public object CallContent { get; } = callContent;

    /// <summary>Gets a value indicating whether it is uncertain that Semantic Kernel delivers the call (the advertised functions are unknown).</summary>
    public bool Uncertain { get; } = uncertain;

    /// <summary>
    /// Gets the signal of the call's delivery, for calls that must not run before Semantic Kernel delivers them: true once delivered,
    /// false once it is known that Semantic Kernel will not (or, after a Terminate, that the batch will not run it); null for the others.
    /// </summary>
    public TaskCompletionSource<bool>? Arrival { get; set; }

    /// <summary>The call's delivery gate for the engine (only where <see cref="Arrival"/> is set).</summary>
    public ValueTask<bool> WaitForDeliveryAsync(System.Threading.CancellationToken cancellationToken) => new(Arrival!.Task);

    /// <summary>Gets or sets the context Semantic Kernel delivered the call with (batch lock).</summary>
    public AutoFunctionInvocationContext? Delivered { get; set; }

    /// <summary>Gets or sets the rest of Semantic Kernel's pipeline for the delivered context (batch lock).</summary>
    public Func<AutoFunctionInvocationContext, Task>? Next { get; set; }

    /// <summary>Gets or sets a value indicating whether the engine started the call (batch lock).</summary>
    public bool Started { get; set; }

    /// <summary>Gets or sets a value indicating whether the call did not run because a Terminate halted the batch (batch lock).</summary>
    public bool Halted { get; set; }

    /// <summary>
    /// Gets or sets the context built for the call before the batch started, where Semantic Kernel writes the chat history while calls run
    /// (building one reads the history, which must not happen while Semantic Kernel writes it).
    /// </summary>
    public AutoFunctionInvocationContext? Prepared { get; set; }

    /// <summary>Gets or sets the context the call's pipeline ran with: Semantic Kernel's own when it had been delivered, else one built for it.</summary>
    public AutoFunctionInvocationContext? RunContext { get; set; }

    /// <summary>Gets or sets the exception that escaped the call's pipeline, rethrown to Semantic Kernel at the call's delivery.</summary>
    public ExceptionDispatchInfo? Failure { get; set; }

    /// <summary>
    /// Gets a value indicating whether the call runs where both the engine has started it and Semantic Kernel has delivered it, whichever
    /// comes second (concurrent delivery): on the delivering thread when the delivery comes second, so that the delivery completes with it.
    /// </summary>
    public bool Rendezvous { get; set; }

    /// <summary>
    /// Gets or sets a value indicating whether Semantic Kernel skipped over this rendezvous call (a later call was delivered first, so
    /// this one never will be): the engine's run of it fails without running (batch lock).
    /// </summary>
    public bool NotDelivered { get; set; }

    /// <summary>Gets or sets the engine's pending run of a call found <see cref="NotDelivered"/> while it waited; failed outside the lock.</summary>
    public EngineWait UndeliveredWait { get; set; }

    /// <summary>Gets or sets the engine's pending run of a rendezvous call it started before its delivery (batch lock).</summary>
    public EngineWait Waiting { get; set; }

    /// <summary>Gets or sets the token the engine started the waiting call with.</summary>
    public System.Threading.CancellationToken WaitToken { get; set; }

    /// <summary>Gets or sets the execution context the engine started the waiting call in; the call runs in it.</summary>
    public System.Threading.ExecutionContext? WaitContext { get; set; }

    /// <summary>Gets or sets the registration that ends the wait when the engine's token fires.</summary>
    public System.Threading.CancellationTokenRegistration WaitCancellation { get; set; }

    /// <summary>Gets or sets the call's outcome once the engine decided it (batch lock).</summary>
    public ToolCallOutcome? Decided { get; set; }

    /// <summary>Gets or sets the failure of the whole batch's run, where it failed before this call was decided (batch lock).</summary>
    public System.Collections.Generic.IReadOnlyCollection<Exception>? RunFailure { get; set; }

    /// <summary>Gets or sets the task a delivery waits on for the outcome, made only where it is not decided yet (batch lock).</summary>
    public TaskCompletionSource<ToolCallOutcome>? OutcomeWaiter { get; set; }
}
