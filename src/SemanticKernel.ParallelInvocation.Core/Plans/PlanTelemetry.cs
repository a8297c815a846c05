using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;

namespace SemanticKernel.ParallelInvocation.Plans;

/// <summary>
/// The span of a plan call the chat-client middleware expanded: an <c>execute_tool {plan tool}</c> span covering its steps, which
/// have their own <c>execute_tool</c> spans in the batch (their call ids are the plan call's id and the step number, <c>id#n</c>).
/// </summary>
internal static class PlanTelemetry
{
    public const string StepsTag = "parallel_invocation.plan.steps";

    private static readonly ActivitySource Source = new(TelemetryNames.SourceName);

    /// <summary>Records the plan's span once its steps are done, from the batch's start (<paramref name="batchStart"/>) and the steps' times.</summary>
    public static void Record(string toolName, string callId, IReadOnlyList<ToolCallOutcome> steps, DateTimeOffset batchStart, bool failed)
    {
        if (!Source.HasListeners() || steps.Count == 0)
        {
            return;
        }

        var start = batchStart + steps.Min(static s => s.QueuedAt ?? s.StartedAt ?? s.FinishedAt);
        var end = batchStart + steps.Max(static s => s.FinishedAt);
        using var activity = Source.StartActivity($"{TelemetryNames.ExecuteToolOperation} {toolName}", ActivityKind.Internal, Activity.Current?.Context ?? default, startTime: start);
        if (activity is null)
        {
            return;
        }

        activity.SetTag(TelemetryNames.OperationNameTag, TelemetryNames.ExecuteToolOperation)
                .SetTag(TelemetryNames.ToolNameTag, toolName)
                .SetTag(TelemetryNames.ToolCallIdTag, callId)
                .SetTag(TelemetryNames.ToolTypeTag, "function")
                .SetTag(StepsTag, steps.Count);
        if (failed)
        {
            activity.SetStatus(ActivityStatusCode.Error, "Not every step of the plan succeeded.");
        }

        activity.SetEndTime(end.UtcDateTime);
    }
}
