using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;
using ParallelSK.Benchmarks.Common;

namespace ParallelSK.Benchmarks.Makespan;

/// <summary>The harness's results as a GitHub markdown table.</summary>
internal static class MakespanTable
{
    public static string Render(IReadOnlyList<ShapeResult> results, int runs)
    {
        var sb = new StringBuilder();
        sb.AppendLine("| shape | calls | lower bound | sequential | naive all-at-once | ParallelSK | ParallelSK speedup vs sequential | violations: naive | violations: ParallelSK |");
        sb.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var r in results)
        {
            var seq = r.ByStrategy[Strategy.Sequential];
            var naive = r.ByStrategy[Strategy.Naive];
            var ours = r.ByStrategy[Strategy.ParallelSK];
            sb.AppendLine(F($"| {r.Workload.Name} | {r.Workload.Steps.Count} | {r.LowerBoundMs:0} ms | {Cell(seq, r)} | {Cell(naive, r)} | {Cell(ours, r)} | {seq.MedianMs / ours.MedianMs:0.00}x | {Violations(naive, runs)} | {Violations(ours, runs)} |"));
        }

        sb.AppendLine();
        sb.AppendLine("Cells: median makespan over the runs (ratio to the lower bound: the conflict graph's critical path by nominal latencies, unlimited concurrency).");
        sb.AppendLine("Violations: runs whose call results or final store differ from the sequential run of the same round, out of the runs (differing results + state keys, summed).");
        return sb.ToString();
    }

    private static string Cell(StrategyResult s, ShapeResult r) => F($"{s.MedianMs:0} ms ({s.MedianMs / Math.Max(1, r.LowerBoundMs):0.00}x)");

    private static string Violations(StrategyResult s, int runs) => s.ViolatingRuns == 0 ? F($"0/{runs}") : F($"{s.ViolatingRuns}/{runs} ({s.Differences} diffs)");

    private static string F(FormattableString value) => value.ToString(CultureInfo.InvariantCulture);
}
