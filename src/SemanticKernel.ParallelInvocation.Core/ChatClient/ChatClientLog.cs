using Microsoft.Extensions.Logging;

namespace SemanticKernel.ParallelInvocation.ChatClient;

/// <summary>Log messages of <see cref="ParallelFunctionInvokingChatClient"/> (event ids 100 and up; the engine's are in <c>Reporting/Log.cs</c>).</summary>
internal static partial class ChatClientLog
{
    [LoggerMessage(100, LogLevel.Debug, "Tool loop iteration {Iteration}: the model asked for {CallCount} tool calls.")]
    public static partial void BatchReceived(ILogger logger, int iteration, int callCount);

    [LoggerMessage(101, LogLevel.Warning, "Maximum of {MaximumIterations} tool-loop iterations reached; the last request is sent without function tools.")]
    public static partial void MaximumIterationsReached(ILogger logger, int maximumIterations);

    [LoggerMessage(102, LogLevel.Warning, "The model called '{ToolName}', which is not among the available tools; the tool loop ends and returns the calls to the caller.")]
    public static partial void UnknownCallTerminates(ILogger logger, string toolName);

    [LoggerMessage(103, LogLevel.Debug, "The model called '{ToolName}', a declaration-only tool; the tool loop ends and returns the calls to the caller.")]
    public static partial void NonInvocableCallTerminates(ILogger logger, string toolName);

    [LoggerMessage(104, LogLevel.Warning, "Tool calls failed in more than {MaximumConsecutiveErrors} consecutive iterations; the tool loop ends with an exception.")]
    public static partial void MaximumConsecutiveErrorsExceeded(ILogger logger, int maximumConsecutiveErrors);

    [LoggerMessage(105, LogLevel.Debug, "The model called '{ToolName}', which requires approval, and no ApprovalHandler is set; the turn's {CallCount} tool calls go back to the caller as approval requests.")]
    public static partial void ApprovalRequested(ILogger logger, string toolName, int callCount);

    [LoggerMessage(106, LogLevel.Debug, "Approval answer for '{ToolName}' (call {CallId}): approved = {Approved}.")]
    public static partial void ApprovalAnswerReceived(ILogger logger, string toolName, string callId, bool approved);

    [LoggerMessage(107, LogLevel.Debug, "Running the {CallCount} tool calls answered by approval responses as one batch ({RefusedCount} refused).")]
    public static partial void AnsweredCallsRunning(ILogger logger, int callCount, int refusedCount);

    [LoggerMessage(108, LogLevel.Debug, "'{ToolName}' requested termination: the tool loop ends after this batch.")]
    public static partial void FunctionRequestedTermination(ILogger logger, string toolName);

    [LoggerMessage(109, LogLevel.Warning, "The inner client contains a {InnerType}: it runs the model's tool calls itself before this client sees them, so they are not planned or run in parallel here. Remove UseFunctionInvocation (or the inner tool loop) from the pipeline below UseParallelFunctionInvocation.")]
    public static partial void InnerToolLoop(ILogger logger, string innerType);
}
