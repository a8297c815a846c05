using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using SemanticKernel.ParallelInvocation.Planning;

namespace ParallelSK.Benchmarks.Planning;

/// <summary>
/// Planning alone (no execution): the batch is turned into its dependency graph. The planner's work is about
/// O(calls x keys x depth + edges); a flat Time/call shows near-linear growth, and the Edges column shows when the graph itself grows faster.
/// </summary>
[Config(typeof(EdgesConfig))]
public class PlanningBenchmarks
{
    private PlanInput[] _calls = [];

    [Params(10, 100, 1_000, 10_000)]
    public int N { get; set; }

    [Params(true, false)]
    public bool CollectionScans { get; set; }

    [GlobalSetup]
    public void Setup() => _calls = KeyMix.Create(N, CollectionScans);

    [Benchmark(Description = "BatchPlanner.Plan")]
    public int Plan() => BatchPlanner.Plan(_calls).EdgeCount;

    private sealed class EdgesConfig : ManualConfig
    {
        public EdgesConfig() => AddColumn(new EdgesColumn());
    }
}
