using System.Globalization;
using System.Linq;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace ParallelSK.Benchmarks.Common;

/// <summary>Time or allocated bytes per tool call: the benchmark's per-operation value divided by its <c>N</c> parameter.</summary>
public sealed class PerCallColumn(bool memory) : IColumn
{
    public const string ParameterName = "N";

    public string Id => memory ? "AllocPerCall" : "TimePerCall";

    public string ColumnName => memory ? "Alloc/call" : "Time/call";

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => memory ? 1 : 0;

    public bool IsNumeric => true;

    public UnitType UnitType => memory ? UnitType.Size : UnitType.Time;

    public string Legend => memory ? "Allocated bytes per tool call (per operation / N)" : "Mean time per tool call (Mean / N)";

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        var report = summary[benchmarkCase];
        var n = benchmarkCase.Parameters.Items.FirstOrDefault(p => p.Name == ParameterName)?.Value as int?;
        if (report is null || n is not > 0)
        {
            return "-";
        }

        if (memory)
        {
            long? bytes = report.GcStats.GetBytesAllocatedPerOperation(benchmarkCase);
            return bytes is { } b ? (b / (double)n.Value).ToString("N0", CultureInfo.InvariantCulture) + " B" : "-";
        }

        double? mean = report.ResultStatistics?.Mean;
        return mean is { } m ? (m / n.Value).ToString("N1", CultureInfo.InvariantCulture) + " ns" : "-";
    }

    public bool IsAvailable(Summary summary) => true;

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
}
