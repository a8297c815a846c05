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
    private static readonly UpDownCounter<int> WaitingForPermit = Meter.CreateUpDownCounter<int>(TelemetryNames.CallsWaitingForPermit, "{call}", "Tool calls waiting for a permit of their concurrency group now.");
    private static readonly Counter<long> Abandoned = Meter.CreateCounter<long>(TelemetryNames.CallsAbandoned, "{call}", "Tool calls abandoned while their function still ran.");

    private readonly ILogger _logger;
    private readonly bool _sensitive;

    public ExecutionTelemetry(ILogger logger, bool enableSensitiveData)
    {
        _logger = logger;
        _sensitive = enableSensitiveData;
    }

    // Telemetry never fails a batch: a listener or logger provider that throws is ignored here.

    public Activity? BatchStarting(ToolCallBatch batch, int planned, int orderingConstraints)
    {
        try
        {
            return BatchStartingCore(batch, planned, orderingConstraints);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return null;
        }
    }

    public Activity? CallStarting(Activity? batchActivity, ToolCallOutcome call)
    {
        try
        {
            return CallStartingCore(batchActivity, call);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return null;
        }
    }

    public void CallCompleted(Activity? callActivity, ToolCallOutcome call)
    {
        try
        {
            CallCompletedCore(callActivity, call);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // ignored: see above
        }

        try
        {
            callActivity?.Dispose();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // ignored: see above
        }
    }

    public void BatchCompleted(Activity? batchActivity, BatchReport report)
    {
        try
        {
            BatchCompletedCore(batchActivity, report);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // ignored: see above
        }
    }

    private Activity? BatchStartingCore(ToolCallBatch batch, int planned, int orderingConstraints)
    {
        var diagnostics = batch.Diagnostics;
        for (int i = 0; i < diagnostics.Count; i++)
        {
            Log.Diagnostic(_logger, diagnostics[i]);
        }

        Log.BatchStarting(_logger, batch.Calls.Count, planned, orderingConstraints, batch.Calls.Count - planned);
        var activity = Source.StartActivity(TelemetryNames.BatchActivity, ActivityKind.Internal);
        activity?.SetTag(TelemetryNames.BatchSizeTag, batch.Calls.Count)
                 .SetTag(TelemetryNames.BatchConstraintsTag, orderingConstraints);
        return activity;
    }

    private Activity? CallStartingCore(Activity? batchActivity, ToolCallOutcome call)
    {
        if (InFlight.Enabled)
        {
            InFlight.Add(1);
        }

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
                    .SetTag(TelemetryNames.CallIndexTag, call.Index)
                    .SetTag(TelemetryNames.CallQueueTimeTag, call.QueueTime.TotalSeconds);
            if (call.Effects?.ConcurrencyGroup is { } group)
            {
                activity.SetTag(TelemetryNames.ConcurrencyGroupTag, group);
            }

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

    private void CallCompletedCore(Activity? callActivity, ToolCallOutcome call)
    {
        var status = call.Status;
        if (call.StartedAt is not null)
        {
            if (InFlight.Enabled)
            {
                InFlight.Add(-1);
            }

            if (CallDuration.Enabled)
            {
                var tags = new TagList
                {
                    { TelemetryNames.ToolNameTag, call.Name },
                    { TelemetryNames.CallStatusTag, status.ToString() },
                };
                CallDuration.Record(call.RunTime.TotalSeconds, tags);
            }

            if (QueueWait.Enabled)
            {
                QueueWait.Record(
                    call.QueueTime.TotalSeconds,
                    new KeyValuePair<string, object?>(TelemetryNames.ToolNameTag, call.Name),
                    new KeyValuePair<string, object?>(TelemetryNames.ConcurrencyGroupTag, call.Effects?.ConcurrencyGroup));
            }
        }

        if (call.Abandoned && Abandoned.Enabled)
        {
            Abandoned.Add(1, new KeyValuePair<string, object?>(TelemetryNames.ToolNameTag, call.Name));
        }

        if (callActivity is not null)
        {
            callActivity.SetTag(TelemetryNames.CallStatusTag, status.ToString());
            if (call.Abandoned)
            {
                callActivity.SetTag(TelemetryNames.CallAbandonedTag, true).SetTag(TelemetryNames.CallEffectInDoubtTag, call.EffectInDoubt);
            }

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

        if (status is ToolCallStatus.Failed or ToolCallStatus.TimedOut || call.Abandoned)
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

    private void BatchCompletedCore(Activity? batchActivity, BatchReport report)
    {
        if (BatchDuration.Enabled)
        {
            BatchDuration.Record(report.Makespan.TotalSeconds);
        }

        if (batchActivity is not null)
        {
            batchActivity.SetTag(TelemetryNames.BatchParallelismTag, report.AchievedParallelism);
            batchActivity.Dispose();
        }

        Log.BatchCompleted(_logger, report.Calls.Count, report.Makespan.TotalMilliseconds, report.SequentialCost.TotalMilliseconds, report.CriticalPath.TotalMilliseconds, report.AchievedParallelism);
    }

    public void CallWaitingForPermit(ToolCallOutcome call, string group)
    {
        if (WaitingForPermit.Enabled)
        {
            WaitingForPermit.Add(1, new KeyValuePair<string, object?>(TelemetryNames.ConcurrencyGroupTag, group));
        }

        Log.CallWaitingForPermit(_logger, call.Index, call.Name, call.CallId, group);
    }

    public void CallPermitted(ToolCallOutcome call, string group)
    {
        if (WaitingForPermit.Enabled)
        {
            WaitingForPermit.Add(-1, new KeyValuePair<string, object?>(TelemetryNames.ConcurrencyGroupTag, group));
        }

        if (_logger.IsEnabled(LogLevel.Debug) && call.QueuedAt is { } queued)
        {
            Log.CallPermitted(_logger, call.Index, call.Name, call.CallId, group, (call.FinishedAt > queued ? call.FinishedAt : queued).TotalMilliseconds - queued.TotalMilliseconds);
        }
    }

    public void AbandonedWorkEnded(ToolCallOutcome call)
    {
        if (call.WorkEndedAt is { } ended)
        {
            Log.AbandonedWorkEnded(_logger, call.Index, call.Name, call.CallId, (ended - call.FinishedAt).TotalMilliseconds, call.SlotHeldFor?.TotalMilliseconds ?? 0);
        }
    }

    public void HostCallbackFailed(string callback, int? index, Exception exception)
    {
        if (index is { } i)
        {
            Log.HostCallbackFailed(_logger, callback, i, exception);
        }
        else
        {
            Log.HostCallbackFailedForBatch(_logger, callback, exception);
        }
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
