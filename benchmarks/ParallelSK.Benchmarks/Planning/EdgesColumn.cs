using System.Globalization;
using System.Linq;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using SemanticKernel.ParallelInvocation.Planning;

namespace ParallelSK.Benchmarks.Planning;

/// <summary>The number of ordering edges the planner emits for the benchmark's batch (the same seeded batch it timed).</summary>
public sealed class EdgesColumn : IColumn
{
    public string Id => "Edges";

    public string ColumnName => "Edges";

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => 2;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => "Ordering edges in the plan (after reduction)";

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        object? Param(string name) => benchmarkCase.Parameters.Items.FirstOrDefault(p => p.Name == name)?.Value;
        return Param(nameof(PlanningBenchmarks.N)) is int n && Param(nameof(PlanningBenchmarks.CollectionScans)) is bool scans
            ? BatchPlanner.Plan(KeyMix.Create(n, scans)).EdgeCount.ToString("N0", CultureInfo.InvariantCulture)
            : "-";
    }

    public bool IsAvailable(Summary summary) => true;

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
}
