using BenchmarkDotNet.Attributes;
using SemanticKernel.ParallelInvocation.Planning;

namespace ParallelSK.Benchmarks.Planning;

/// <summary>Planning alone (no execution): the batch is turned into its dependency graph. Near-linear growth shows as a flat Time/call.</summary>
public class PlanningBenchmarks
{
    private PlanInput[] _calls = [];

    [Params(10, 100, 1_000, 10_000)]
    public int N { get; set; }

    [GlobalSetup]
    public void Setup() => _calls = KeyMix.Create(N);

    [Benchmark(Description = "BatchPlanner.Plan")]
    public int Plan() => BatchPlanner.Plan(_calls).EdgeCount;
}
