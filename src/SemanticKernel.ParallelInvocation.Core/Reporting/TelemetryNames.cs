namespace SemanticKernel.ParallelInvocation;

/// <summary>
/// Names of the <see cref="System.Diagnostics.ActivitySource"/>, <see cref="System.Diagnostics.Metrics.Meter"/> and their instruments and
/// tags. Tool spans follow the OpenTelemetry GenAI semantic conventions (<c>execute_tool {gen_ai.tool.name}</c>).
/// </summary>
[System.Diagnostics.CodeAnalysis.Experimental(Experiments.Telemetry, UrlFormat = Experiments.UrlFormat)]
public static class TelemetryNames
{
    /// <summary>The name of the activity source and of the meter.</summary>
    public const string SourceName = "SemanticKernel.ParallelInvocation";

    /// <summary>The span covering one batch.</summary>
    public const string BatchActivity = "parallel_tool_batch";

    /// <summary>The GenAI operation name of a tool call span.</summary>
    public const string ExecuteToolOperation = "execute_tool";

    /// <summary>Histogram of batch makespans, in seconds.</summary>
    public const string BatchDuration = "parallel_invocation.batch.duration";

    /// <summary>Histogram of call run times, in seconds.</summary>
    public const string CallDuration = "parallel_invocation.call.duration";

    /// <summary>Histogram of the time calls waited for a concurrency slot once ready, in seconds.</summary>
    public const string CallQueueWait = "parallel_invocation.call.queue_wait";

    /// <summary>Up-down counter of calls running now.</summary>
    public const string CallsInFlight = "parallel_invocation.calls.in_flight";

    /// <summary>Up-down counter of calls waiting for a permit of their concurrency group now.</summary>
    public const string CallsWaitingForPermit = "parallel_invocation.calls.waiting_for_permit";

    /// <summary>Counter of calls abandoned while their function still ran (it ignored its timeout or the caller's cancellation).</summary>
    public const string CallsAbandoned = "parallel_invocation.calls.abandoned";

    /// <summary>Tag: GenAI operation name.</summary>
    public const string OperationNameTag = "gen_ai.operation.name";

    /// <summary>Tag: the tool name.</summary>
    public const string ToolNameTag = "gen_ai.tool.name";

    /// <summary>Tag: the tool call id.</summary>
    public const string ToolCallIdTag = "gen_ai.tool.call.id";

    /// <summary>Tag: the tool type (always <c>function</c>).</summary>
    public const string ToolTypeTag = "gen_ai.tool.type";

    /// <summary>Tag: the tool description.</summary>
    public const string ToolDescriptionTag = "gen_ai.tool.description";

    /// <summary>Tag: the call's arguments (only with sensitive data enabled).</summary>
    public const string ToolCallArgumentsTag = "gen_ai.tool.call.arguments";

    /// <summary>Tag: the call's result (only with sensitive data enabled).</summary>
    public const string ToolCallResultTag = "gen_ai.tool.call.result";

    /// <summary>Tag: the error type of a call that did not succeed.</summary>
    public const string ErrorTypeTag = "error.type";

    /// <summary>Tag: the call's <see cref="ToolCallStatus"/>.</summary>
    public const string CallStatusTag = "parallel_invocation.call.status";

    /// <summary>Tag: the call's concurrency group.</summary>
    public const string ConcurrencyGroupTag = "parallel_invocation.concurrency_group";

    /// <summary>Tag: the time, in seconds, the call waited for a slot and its group's permit before it started.</summary>
    public const string CallQueueTimeTag = "parallel_invocation.call.queue_time";

    /// <summary>Tag: the call was abandoned while its function still ran.</summary>
    public const string CallAbandonedTag = "parallel_invocation.call.abandoned";

    /// <summary>Tag: the call may have written, and was abandoned while it ran: its effect is in doubt.</summary>
    public const string CallEffectInDoubtTag = "parallel_invocation.call.effect_in_doubt";

    /// <summary>Tag: the call's position in the batch.</summary>
    public const string CallIndexTag = "parallel_invocation.call.index";

    /// <summary>Tag: the number of calls in a batch.</summary>
    public const string BatchSizeTag = "parallel_invocation.batch.size";

    /// <summary>Tag: the number of ordering constraints in a batch's plan.</summary>
    public const string BatchConstraintsTag = "parallel_invocation.batch.ordering_constraints";

    /// <summary>Tag: the batch's achieved parallelism.</summary>
    public const string BatchParallelismTag = "parallel_invocation.batch.parallelism";
}
