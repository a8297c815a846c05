using System;
using System.Runtime.ExceptionServices;
using System.Threading.Tasks;
using Microsoft.SemanticKernel;

namespace SemanticKernel.ParallelInvocation;

/// <summary>
/// One call of a captured batch: what Semantic Kernel will deliver for it, its delivery once it comes, and its run. Fields marked
/// "batch lock" are read and written under the owning <see cref="FilterBatch"/>'s lock.
/// </summary>
internal sealed class BatchCall(FilterBatch batch, int index, KernelFunction function, KernelArguments? arguments, string? callId, object callContent)
{
    public FilterBatch Batch { get; } = batch;

    /// <summary>Gets the call's position in the assistant message (its <c>FunctionSequenceIndex</c>).</summary>
    public int Index { get; } = index;

    public KernelFunction Function { get; } = function;

    /// <summary>Gets the arguments a context built for this call starts with (on the function-calls processor, the call's own object).</summary>
    public KernelArguments? Arguments { get; } = arguments;

    public string? CallId { get; } = callId;

    /// <summary>Gets the call as the assistant message holds it: Semantic Kernel's or, on the IChatClient path, Microsoft.Extensions.AI's content.</summary>
    public object CallContent { get; } = callContent;

    /// <summary>
    /// Gets the signal of the call's delivery, for calls that must not run before Semantic Kernel delivers them: true once delivered,
    /// false once it is known that Semantic Kernel will not (or, after a Terminate, that the batch will not run it); null for the others.
    /// </summary>
    public TaskCompletionSource<bool>? Arrival { get; init; }

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

    /// <summary>Gets the call's outcome, completed by the engine as soon as it is decided.</summary>
    public TaskCompletionSource<ToolCallOutcome> Outcome { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}
