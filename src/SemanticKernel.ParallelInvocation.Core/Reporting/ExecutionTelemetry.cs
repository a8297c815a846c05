using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace SemanticKernel.ParallelInvocation.Reporting;

/// <summary>Logging, metrics and tracing over the executor's events.</summary>
internal sealed class ExecutionTelemetry : IExecutionObserver
{
    private static readonly ActivitySource Source = new(TelemetryNames.SourceName);
    private static readonly Meter Meter = new(TelemetryNames.SourceName);
    private static readonly Histogram<double> BatchDuration = Meter.CreateHistogram<double>(TelemetryNames.BatchDuration, "s", "Makespan of a batch of tool calls.");
    private static readonly Histogram<double> CallDuration = Meter.CreateHistogram<double>(TelemetryNames.CallDuration, "s", "Run time of a tool call.");
    private static readonly Histogram<double> QueueWait = Meter.CreateHistogram<double>(TelemetryNames.CallQueueWait, "s", "Time a ready tool call waited for a concurrency slot.");
    private static readonly UpDownCounter<int> InFlight = Meter.CreateUpDownCounter<int>(TelemetryNames.CallsInFlight, "{call}", "Tool calls running now.");

    private readonly ILogger _logger;
    private readonly bool _sensitive;

    public ExecutionTelemetry(ILogger logger, bool enableSensitiveData)
    {
        _logger = logger;
        _sensitive = enableSensitiveData;
    }

    public Activity? BatchStarting(ToolCallBatch batch, int planned, int orderingConstraints)
    {
        foreach (string diagnostic in batch.Diagnostics)
        {
            Log.Diagnostic(_logger, diagnostic);
        }

        Log.BatchStarting(_logger, batch.Calls.Count, planned, orderingConstraints, batch.Calls.Count - planned);
        var activity = Source.StartActivity(TelemetryNames.BatchActivity, ActivityKind.Internal);
        activity?.SetTag(TelemetryNames.BatchSizeTag, batch.Calls.Count)
                 .SetTag(TelemetryNames.BatchConstraintsTag, orderingConstraints);
        return activity;
    }

    public Activity? CallStarting(Activity? batchActivity, ToolCallOutcome call)
    {
        InFlight.Add(1);
        if (_logger.IsEnabled(LogLevel.Debug))
        {
            Log.CallStarted(_logger, call.Index, call.Name, call.CallId);
            if (_sensitive && _logger.IsEnabled(LogLevel.Trace))
            {
                Log.CallArguments(_logger, call.Index, call.Name, call.CallId, Serialize(call.Request.Arguments));
            }
        }

        if (!Source.HasListeners())
        {
            return null;
        }

        var activity = Source.StartActivity($"{TelemetryNames.ExecuteToolOperation} {call.Name}", ActivityKind.Internal, batchActivity?.Context ?? default);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag(TelemetryNames.OperationNameTag, TelemetryNames.ExecuteToolOperation)
                    .SetTag(TelemetryNames.ToolNameTag, call.Name)
                    .SetTag(TelemetryNames.ToolCallIdTag, call.CallId)
                    .SetTag(TelemetryNames.ToolTypeTag, "function")
                    .SetTag(TelemetryNames.CallIndexTag, call.Index);
            if (call.Request.Function?.Description is { Length: > 0 } description)
            {
                activity.SetTag(TelemetryNames.ToolDescriptionTag, description);
            }

            if (_sensitive)
            {
                activity.SetTag(TelemetryNames.ToolCallArgumentsTag, Serialize(call.Request.Arguments));
            }
        }

        return activity;
    }

    public void CallCompleted(Activity? callActivity, ToolCallOutcome call)
    {
        var status = call.Status;
        if (call.StartedAt is not null)
        {
            InFlight.Add(-1);
            var tags = new TagList
            {
                { TelemetryNames.ToolNameTag, call.Name },
                { TelemetryNames.CallStatusTag, status.ToString() },
            };
            CallDuration.Record(call.RunTime.TotalSeconds, tags);
            QueueWait.Record(call.QueueTime.TotalSeconds, new KeyValuePair<string, object?>(TelemetryNames.ToolNameTag, call.Name));
        }

        if (callActivity is not null)
        {
            callActivity.SetTag(TelemetryNames.CallStatusTag, status.ToString());
            if (status == ToolCallStatus.Succeeded)
            {
                if (_sensitive)
                {
                    callActivity.SetTag(TelemetryNames.ToolCallResultTag, Serialize(call.Result));
                }
            }
            else
            {
                callActivity.SetTag(TelemetryNames.ErrorTypeTag, call.Exception?.GetType().FullName ?? status.ToString());
                callActivity.SetStatus(ActivityStatusCode.Error, call.ErrorMessage);
            }
        }

        if (status is ToolCallStatus.Failed or ToolCallStatus.TimedOut)
        {
            Log.CallFailed(_logger, call.Index, call.Name, call.CallId, status, call.Exception);
        }
        else if (_logger.IsEnabled(LogLevel.Debug))
        {
            Log.CallCompleted(_logger, call.Index, call.Name, call.CallId, status, call.RunTime.TotalMilliseconds);
        }

        if (_sensitive && status == ToolCallStatus.Succeeded && _logger.IsEnabled(LogLevel.Trace))
        {
            Log.CallResult(_logger, call.Index, call.Name, call.CallId, Serialize(call.Result));
        }
    }

    public void BatchCompleted(Activity? batchActivity, BatchReport report)
    {
        BatchDuration.Record(report.Makespan.TotalSeconds);
        if (batchActivity is not null)
        {
            batchActivity.SetTag(TelemetryNames.BatchParallelismTag, report.AchievedParallelism);
            batchActivity.Dispose();
        }

        Log.BatchCompleted(_logger, report.Calls.Count, report.Makespan.TotalMilliseconds, report.SequentialCost.TotalMilliseconds, report.CriticalPath.TotalMilliseconds, report.AchievedParallelism);
    }

    private static string Serialize(object? value)
    {
        try
        {
            return value switch
            {
                null => "null",
                string s => s,
                _ => JsonSerializer.Serialize(value, AIJsonUtilities.DefaultOptions.GetTypeInfo(value.GetType())),
            };
        }
        catch (Exception ex) when (ex is NotSupportedException or InvalidOperationException or JsonException)
        {
            return value?.ToString() ?? "null";
        }
    }
}
