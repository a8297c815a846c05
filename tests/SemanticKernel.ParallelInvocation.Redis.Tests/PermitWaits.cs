using System;
using System.Collections.Generic;
using System.Diagnostics.Metrics;
using System.Threading;

namespace SemanticKernel.ParallelInvocation.Redis.Tests;

/// <summary>Counts the calls of one concurrency group waiting for a permit now, from the engine's own telemetry.</summary>
internal sealed class PermitWaits : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly string _group;
    private int _now;

    public PermitWaits(string group)
    {
        _group = group;
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == TelemetryNames.SourceName && instrument.Name == TelemetryNames.CallsWaitingForPermit)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<int>(OnMeasurement);
        _listener.Start();
    }

    public int Now => Volatile.Read(ref _now);

    public void Dispose() => _listener.Dispose();

    private void OnMeasurement(Instrument instrument, int value, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state)
    {
        foreach (var tag in tags)
        {
            if (tag.Key == TelemetryNames.ConcurrencyGroupTag && (string?)tag.Value == _group)
            {
                Interlocked.Add(ref _now, value);
            }
        }
    }
}
