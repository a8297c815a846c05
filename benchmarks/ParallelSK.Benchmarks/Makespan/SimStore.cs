using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;

namespace ParallelSK.Benchmarks.Makespan;

/// <summary>The in-memory state the simulated tools share: keyed counters, plus a rate-limited API that fails past its limit.</summary>
internal sealed class SimStore(int apiLimit)
{
    private readonly object _gate = new();
    private readonly SortedDictionary<string, long> _values = new(StringComparer.Ordinal);
    private int _apiInFlight;

    public long Get(string key)
    {
        lock (_gate)
        {
            return _values.GetValueOrDefault(key);
        }
    }

    public void Set(string key, long value)
    {
        lock (_gate)
        {
            _values[key] = value;
        }
    }

    /// <summary>The keys at or below <paramref name="prefix"/> (segment-wise) with their values.</summary>
    public string Under(string prefix)
    {
        lock (_gate)
        {
            return string.Join(",", _values.Where(p => p.Key == prefix || p.Key.StartsWith(prefix + "/", StringComparison.Ordinal)).Select(p => $"{p.Key}={p.Value}"));
        }
    }

    public long Sum()
    {
        lock (_gate)
        {
            return _values.Values.Sum();
        }
    }

    /// <summary>Enters the rate-limited API; false when it is already serving its limit (the API would answer 429).</summary>
    public bool TryEnterApi() => Interlocked.Increment(ref _apiInFlight) <= apiLimit || Leave();

    public void LeaveApi() => Interlocked.Decrement(ref _apiInFlight);

    public IReadOnlyList<string> Snapshot()
    {
        lock (_gate)
        {
            return [.. _values.Select(p => $"{p.Key}={p.Value}")];
        }
    }

    private bool Leave()
    {
        LeaveApi();
        return false;
    }
}
