using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using ParallelSK.Benchmarks.Common;
using SemanticKernel.ParallelInvocation;

namespace ParallelSK.Benchmarks.Makespan;

/// <summary>
/// Runs every workload shape sequentially, naively all at once, and with ParallelSK, in the same process, with real (simulated)
/// latencies; reports median makespans, their ratio to the conflict graph's critical path, and serial-equivalence violations.
/// </summary>
internal static class MakespanHarness
{
    public static async Task<int> RunAsync(string[] args)
    {
        int runs = 5;
        string svgPath = "docs/benchmarks-makespan.svg";
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] == "--runs" && i + 1 < args.Length && int.TryParse(args[i + 1], CultureInfo.InvariantCulture, out runs) && runs > 0)
            {
                i++;
            }
            else if (args[i] == "--svg" && i + 1 < args.Length)
            {
                svgPath = args[++i];
            }
            else
            {
                Console.Error.WriteLine($"makespan: unknown or bad option '{args[i]}'. Options: --runs N (N > 0), --svg PATH.");
                return 2;
            }
        }

        Console.WriteLine(MachineInfo.Describe());
        Console.WriteLine($"Makespan harness: {Workloads.All.Count} shapes x 3 strategies x {runs} runs (after one warm-up run each).");
        var results = new List<ShapeResult>();
        foreach (var workload in Workloads.All)
        {
            Console.Error.Write($"\r{workload.Name}...".PadRight(60));
            results.Add(await MeasureAsync(workload, runs));
        }

        Console.Error.WriteLine();
        Console.WriteLine(MakespanTable.Render(results, runs));
        string full = Path.GetFullPath(svgPath);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        await File.WriteAllTextAsync(full, MakespanChart.Render(results));
        Console.WriteLine($"Chart written to {full}");
        return 0;
    }

    private static async Task<ShapeResult> MeasureAsync(Workload workload, int runs)
    {
        var declarations = workload.Tools.ToDictionary(t => t.Name, t => t.Effects, StringComparer.Ordinal);
        var executors = Strategies.All.ToDictionary(s => s, s => new ParallelToolExecutor(Strategies.Options(s, declarations)));
        var byStrategy = Strategies.All.ToDictionary(s => s, _ => new StrategyResult());
        double lowerBound = 0;
        for (int run = -1; run < runs; run++)
        {
            var outcomes = new Dictionary<Strategy, RunOutcome>();
            foreach (var strategy in Strategies.All)
            {
                outcomes[strategy] = await RunOnceAsync(workload, executors[strategy]);
            }

            if (run < 0)
            {
                lowerBound = CriticalPathMs(workload, outcomes[Strategy.ParallelSK].Report);
                continue; // warm-up
            }

            var reference = outcomes[Strategy.Sequential];
            foreach (var (strategy, outcome) in outcomes)
            {
                var result = byStrategy[strategy];
                result.MakespansMs.Add(outcome.ElapsedMs);
                int differences = outcome.DifferencesFrom(reference);
                result.Differences += differences;
                result.ViolatingRuns += differences > 0 ? 1 : 0;
            }
        }

        return new ShapeResult(workload, lowerBound, byStrategy);
    }

    private static async Task<RunOutcome> RunOnceAsync(Workload workload, ParallelToolExecutor executor)
    {
        var store = new SimStore(Workload.ApiLimit);
        foreach (var (key, value) in workload.Seed)
        {
            store.Set(key, value);
        }

        var functions = workload.Tools.ToDictionary(t => t.Name, t => SimTools.Create(t.Name, t.Kind, store), StringComparer.Ordinal);
        var requests = workload.Steps.Select((s, i) => new ToolCallRequest(
            $"call_{i}", s.Tool, new Dictionary<string, object?> { ["key"] = s.Key, ["ms"] = s.Ms }, functions[s.Tool])).ToList();
        long start = Stopwatch.GetTimestamp();
        var report = await executor.ExecuteAsync(requests);
        double elapsed = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        return new RunOutcome(elapsed, report, [.. report.Calls.Select(c => Convert.ToString(c.ResultForModel, CultureInfo.InvariantCulture) ?? string.Empty)], store.Snapshot());
    }

    /// <summary>The longest chain of the conflict graph, weighting each call by its nominal latency: no correct schedule can beat it.</summary>
    private static double CriticalPathMs(Workload workload, BatchReport plannedRun)
    {
        var finish = new double[workload.Steps.Count];
        for (int i = 0; i < finish.Length; i++)
        {
            double start = plannedRun.Calls[i].Predecessors.Select(p => finish[p]).DefaultIfEmpty(0).Max();
            finish[i] = start + workload.Steps[i].Ms;
        }

        return finish.Max();
    }

    private sealed record RunOutcome(double ElapsedMs, BatchReport Report, IReadOnlyList<string> Results, IReadOnlyList<string> State)
    {
        public int DifferencesFrom(RunOutcome reference)
        {
            int results = Results.Zip(reference.Results).Count(p => p.First != p.Second);
            int state = Math.Max(State.Except(reference.State).Count(), reference.State.Except(State).Count());
            return results + state;
        }
    }
}
