using System;
using System.Collections.Generic;
using System.Linq;

namespace SemanticKernel.ParallelInvocation.Tests.SerialEquivalence;

/// <summary>An in-memory store of hierarchical keys. Each single operation is atomic; tools combine several with awaits between them, as real tools do.</summary>
public sealed class KeyedStore
{
    private readonly object _gate = new();
    private readonly SortedDictionary<string, int> _values = new(StringComparer.Ordinal);

    public static bool Under(string key, string prefix) =>
        prefix.Length == 0 || key == prefix || key.StartsWith(prefix + "/", StringComparison.Ordinal);

    public string Snapshot(string prefix)
    {
        lock (_gate)
        {
            return string.Join(";", _values.Where(p => Under(p.Key, prefix)).Select(p => $"{p.Key}={p.Value}"));
        }
    }

    public int Get(string key)
    {
        lock (_gate)
        {
            return _values.GetValueOrDefault(key);
        }
    }

    public void Set(string key, int value)
    {
        lock (_gate)
        {
            _values[key] = value;
        }
    }

    public int Clear(string prefix)
    {
        lock (_gate)
        {
            var doomed = _values.Keys.Where(k => Under(k, prefix)).ToList();
            doomed.ForEach(k => _values.Remove(k));
            return doomed.Count;
        }
    }
}
