using System;
using Microsoft.Extensions.Logging;

namespace SemanticKernel.ParallelInvocation.Reporting;

/// <summary>Every log message of the library. Lifecycle at Debug; arguments and results at Trace, and only with sensitive data enabled.</summary>
internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Debug, "Running a batch of {CallCount} tool calls: {PlannedCount} planned with {OrderingConstraints} ordering constraints, {RejectedCount} rejected.")]
    public static partial void BatchStarting(ILogger logger, int callCount, int plannedCount, int orderingConstraints, int rejectedCount);

    [LoggerMessage(2, LogLevel.Debug, "Tool call #{Index} {ToolName} ({CallId}) started.")]
    public static partial void CallStarted(ILogger logger, int index, string toolName, string callId);

    [LoggerMessage(3, LogLevel.Trace, "Tool call #{Index} {ToolName} ({CallId}) arguments: {Arguments}")]
    public static partial void CallArguments(ILogger logger, int index, string toolName, string callId, string arguments);

    [LoggerMessage(4, LogLevel.Debug, "Tool call #{Index} {ToolName} ({CallId}) ended {Status} after {Duration} ms.")]
    public static partial void CallCompleted(ILogger logger, int index, string toolName, string callId, ToolCallStatus status, double duration);

    [LoggerMessage(5, LogLevel.Trace, "Tool call #{Index} {ToolName} ({CallId}) result: {Result}")]
    public static partial void CallResult(ILogger logger, int index, string toolName, string callId, string result);

    [LoggerMessage(6, LogLevel.Warning, "Tool call #{Index} {ToolName} ({CallId}) ended {Status}.")]
    public static partial void CallFailed(ILogger logger, int index, string toolName, string callId, ToolCallStatus status, Exception? exception);

    [LoggerMessage(7, LogLevel.Debug, "Batch of {CallCount} tool calls done in {Makespan} ms (sequential cost {SequentialCost} ms, critical path {CriticalPath} ms, parallelism {Parallelism:0.00}).")]
    public static partial void BatchCompleted(ILogger logger, int callCount, double makespan, double sequentialCost, double criticalPath, double parallelism);

    [LoggerMessage(8, LogLevel.Warning, "Parallel tool calls: {Diagnostic}")]
    public static partial void Diagnostic(ILogger logger, string diagnostic);

    [LoggerMessage(9, LogLevel.Debug, "Tool call #{Index} {ToolName} ({CallId}) waits for a permit of concurrency group {Group}.")]
    public static partial void CallWaitingForPermit(ILogger logger, int index, string toolName, string callId, string group);

    [LoggerMessage(10, LogLevel.Debug, "Tool call #{Index} {ToolName} ({CallId}) got a permit of concurrency group {Group} after {QueueTime} ms.")]
    public static partial void CallPermitted(ILogger logger, int index, string toolName, string callId, string group, double queueTime);

    [LoggerMessage(11, LogLevel.Warning, "Tool call #{Index} {ToolName} ({CallId}) was abandoned while running; its function ended {Late} ms after the call was decided, holding its slot for {Held} ms.")]
    public static partial void AbandonedWorkEnded(ILogger logger, int index, string toolName, string callId, double late, double held);

    [LoggerMessage(12, LogLevel.Error, "Host code {Callback} threw for tool call #{Index}; the batch went on and the call's outcome stands.")]
    public static partial void HostCallbackFailed(ILogger logger, string callback, int index, Exception exception);

    [LoggerMessage(13, LogLevel.Error, "Host code {Callback} threw; the batch went on and every outcome stands.")]
    public static partial void HostCallbackFailedForBatch(ILogger logger, string callback, Exception exception);
}
