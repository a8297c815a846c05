using System.Collections.Generic;
using System.Linq;
using ParallelSK.Benchmarks.Common;

namespace ParallelSK.Benchmarks.Makespan;

/// <summary>What one strategy did over the runs of one shape.</summary>
internal sealed class StrategyResult
{
    public List<double> MakespansMs { get; } = [];

    /// <summary>Gets or sets the runs whose results or final state differed from the sequential run's.</summary>
    public int ViolatingRuns { get; set; }

    /// <summary>Gets or sets the differing call results and state keys, summed over the runs.</summary>
    public int Differences { get; set; }

    public double MedianMs
    {
        get
        {
            var sorted = MakespansMs.Order().ToList();
            return sorted.Count == 0 ? 0 : sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
        }
    }
}

/// <summary>The measurements of one shape.</summary>
internal sealed record ShapeResult(Workload Workload, double LowerBoundMs, IReadOnlyDictionary<Strategy, StrategyResult> ByStrategy);
