using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;

namespace SemanticKernel.ParallelInvocation;

/// <summary>One call of a batch, as the model emitted it.</summary>
/// <remarks>Thread-safe once constructed.</remarks>
[System.Diagnostics.CodeAnalysis.Experimental(Experiments.Engine, UrlFormat = Experiments.UrlFormat)]
public sealed class ToolCallRequest
{
    private static readonly IReadOnlyDictionary<string, object?> NoArguments = new Dictionary<string, object?>();

    private HostSettings? _host; // what only some hosts set, kept apart so that a plain request stays small

    /// <summary>Initializes a new instance of the <see cref="ToolCallRequest"/> class.</summary>
    /// <param name="callId">The call id the model gave; may be empty where the protocol has none (Gemini).</param>
    /// <param name="name">The function name the model called.</param>
    /// <param name="arguments">The parsed arguments, or <see langword="null"/> for none.</param>
    /// <param name="function">The function to run, or <see langword="null"/> when no function of that name is available (the call is rejected).</param>
    public ToolCallRequest(string? callId, string name, IReadOnlyDictionary<string, object?>? arguments, AIFunction? function)
    {
        ArgumentNullException.ThrowIfNull(name);
        CallId = callId ?? string.Empty;
        Name = name;
        Arguments = arguments ?? NoArguments;
        Function = function;
    }

    /// <summary>Gets the call id (empty when the protocol has none).</summary>
    public string CallId { get; }

    /// <summary>Gets the function name the model called.</summary>
    public string Name { get; }

    /// <summary>Gets the call's arguments.</summary>
    public IReadOnlyDictionary<string, object?> Arguments { get; }

    /// <summary>Gets the function to run; <see langword="null"/> rejects the call as unknown.</summary>
    public AIFunction? Function { get; }

    /// <summary>Gets the error met while parsing the arguments, if any; such a call is rejected without running.</summary>
    public Exception? ArgumentsError { get; init; }

    /// <summary>Gets the services passed to the function in <see cref="AIFunctionArguments.Services"/>.</summary>
    public IServiceProvider? Services { get; init; }

    /// <summary>
    /// Gets a custom way to run the call (a host adapter's pipeline), or <see langword="null"/> to call
    /// <see cref="AIFunction.InvokeAsync(AIFunctionArguments?, CancellationToken)"/> with <see cref="Arguments"/>.
    /// </summary>
    public Func<ToolCallRequest, CancellationToken, ValueTask<object?>>? Invoker { get; init; }

    /// <summary>
    /// Gets the host's confirmation that it delivers the call, or <see langword="null"/> when delivery is certain. The engine asks it
    /// once, when the call is otherwise ready (predecessors done, approval given), and waits for the answer before the call is queued
    /// for a concurrency slot, so the wait counts neither as queue time nor as run time. <see langword="true"/> lets the call run;
    /// <see langword="false"/> or an exception ends it <see cref="ToolCallStatus.Rejected"/> without running (the calls ordered after
    /// it still run); the batch's cancellation, whose token is passed, ends it <see cref="ToolCallStatus.Cancelled"/>.
    /// </summary>
    internal Func<CancellationToken, ValueTask<bool>>? DeliveryGate { get => _host?.DeliveryGate; init { if (value is not null) { Host.DeliveryGate = value; } } }

    /// <summary>
    /// Gets the caller's answer to an approval request made for this call before the batch (the chat-client middleware's approval
    /// round trip), or <see langword="null"/> when there was none. <see langword="true"/> runs the call without asking
    /// <see cref="ParallelInvocationOptions.ApprovalHandler"/>, even when it requires approval; <see langword="false"/> ends it
    /// <see cref="ToolCallStatus.Rejected"/> without running, exactly as when the handler says no.
    /// </summary>
    internal bool? ApprovedByCaller { get => _host?.ApprovedByCaller; init { if (value is not null) { Host.ApprovedByCaller = value; } } }

    /// <summary>Gets the reason the caller gave with <see cref="ApprovedByCaller"/>; a refusal's reason is told to the model.</summary>
    internal string? ApprovalReason { get => _host?.ApprovalReason; init { if (value is not null) { Host.ApprovalReason = value; } } }

    /// <summary>
    /// Gets the calls of the same batch (by index) whose output this call needs, whatever they touch: the call waits for each of them,
    /// and is skipped, naming the cause, when one of them does not succeed. Plan mode sets it for steps that reference earlier steps.
    /// </summary>
    internal int[]? DataDependencies { get => _host?.DataDependencies; init { if (value is not null) { Host.DataDependencies = value; } } }

    /// <summary>
    /// Gets a value indicating whether the call's <see cref="Invoker"/> runs a nested batch through the same executor (a plan's fan-out):
    /// such a call takes no concurrency slot (global or group) and has no timeout or retries of its own, because the nested calls take
    /// theirs; holding a slot its children need could deadlock a limit shared across batches.
    /// </summary>
    internal bool RunsNestedBatch { get => _host?.RunsNestedBatch ?? false; init { if (value) { Host.RunsNestedBatch = true; } } }

    /// <summary>Gets host state carried with the call (an adapter's own context); the engine never reads it.</summary>
    public object? State { get; init; }

    private HostSettings Host => _host ??= new HostSettings();

    private sealed class HostSettings
    {
        public Func<CancellationToken, ValueTask<bool>>? DeliveryGate { get; set; }

        public bool? ApprovedByCaller { get; set; }

        public string? ApprovalReason { get; set; }

        public int[]? DataDependencies { get; set; }

        public bool RunsNestedBatch { get; set; }
    }
}
