using System.Diagnostics;

namespace SemanticKernel.ParallelInvocation.Plans;

/// <summary>
/// The span of a plan call the chat-client middleware expanded: an <c>execute_tool {plan tool}</c> span from before its steps start
/// until they are all done. The steps have their own <c>execute_tool</c> spans in the batch (their call ids are the plan call's id
/// and the step number, <c>id#n</c>); the plan span is not made current, so the batch's spans do not nest under it.
/// </summary>
internal static class PlanTelemetry
{
    public const string StepsTag = "parallel_invocation.plan.steps";

    private static readonly ActivitySource Source = new(TelemetryNames.SourceName);

    /// <summary>Starts the plan's span (when anyone listens), leaving <see cref="Activity.Current"/> as it was.</summary>
    public static Activity? Start(string toolName, string callId, int steps)
    {
        if (!Source.HasListeners())
        {
            return null;
        }

        var current = Activity.Current;
        var activity = Source.StartActivity($"{TelemetryNames.ExecuteToolOperation} {toolName}", ActivityKind.Internal);
        Activity.Current = current;
        activity?.SetTag(TelemetryNames.OperationNameTag, TelemetryNames.ExecuteToolOperation)
                 .SetTag(TelemetryNames.ToolNameTag, toolName)
                 .SetTag(TelemetryNames.ToolCallIdTag, callId)
                 .SetTag(TelemetryNames.ToolTypeTag, "function")
                 .SetTag(StepsTag, steps);
        return activity;
    }

    /// <summary>Ends the plan's span once its steps are done (a span never ended, as when the caller cancels, is never exported).</summary>
    public static void Stop(Activity? activity, bool failed)
    {
        if (activity is null)
        {
            return;
        }

        if (failed)
        {
            activity.SetStatus(ActivityStatusCode.Error, "Not every step of the plan succeeded.");
        }

        activity.Dispose();
    }
}
