using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;

namespace ParallelSK.Demo.Rendering;

/// <summary>Writes the terminal view: each run's timelines, then the summary and the answers side by side.</summary>
internal static class ConsoleReport
{
    public static void WriteRun(TextWriter output, StrategyRun run)
    {
        output.WriteLine();
        output.WriteLine($"=== {run.Strategy.Label()} ===");
        for (int i = 0; i < run.Batches.Count; i++)
        {
            output.WriteLine($"turn {i + 1}: {run.Batches[i].Calls.Count} tool calls");
            output.WriteLine(run.Batches[i].ToTimeline(40));
        }
    }

    public static void WriteSummary(TextWriter output, IReadOnlyList<StrategyRun> runs)
    {
        var reference = runs.FirstOrDefault(r => r.Strategy == Strategy.Sequential);
        output.WriteLine();
        output.WriteLine("=== summary ===");
        output.WriteLine($"{"strategy",-18}{"tool time",10}{"speedup",9}  answer and final state vs sequential");
        foreach (var run in runs)
        {
            string speedup = reference is null || run.ToolTime <= TimeSpan.Zero ? "-" : F($"{reference.ToolTime / run.ToolTime:0.00}x");
            output.WriteLine($"{run.Strategy.Label(),-18}{F($"{run.ToolTime.TotalSeconds:0.00} s"),10}{speedup,9}  {Verdict(run, reference)}");
        }

        if (reference is null)
        {
            output.WriteLine("(run with --strategy all to compare with the sequential reference)");
            return;
        }

        output.WriteLine();
        output.WriteLine("=== final answers (sequential is the reference) ===");
        var referenceLines = Lines(reference.FinalAnswer);
        for (int i = 0; i < referenceLines.Length; i++)
        {
            output.WriteLine($"  {reference.Strategy.Label(),-18}  {referenceLines[i]}");
            foreach (var run in runs.Where(r => r != reference))
            {
                var lines = Lines(run.FinalAnswer);
                string line = i < lines.Length ? lines[i] : "(missing)";
                output.WriteLine(line == referenceLines[i] ? $"  {run.Strategy.Label(),-18}  same" : $"  {run.Strategy.Label(),-18}  WRONG: {line}");
            }
        }
    }

    public static string Verdict(StrategyRun run, StrategyRun? reference)
    {
        if (reference is null)
        {
            return "-";
        }

        if (run == reference)
        {
            return "reference";
        }

        int answer = Differences(Lines(run.FinalAnswer), Lines(reference.FinalAnswer));
        int state = Differences(run.FinalState, reference.FinalState);
        return answer == 0 && state == 0
            ? "same answer, same final state"
            : $"WRONG: {answer} answer line(s) and {state} state fact(s) differ";
    }

    /// <summary>Counts the facts that differ: the larger of "in a, not in b" and "in b, not in a" (a changed fact counts once).</summary>
    public static int Differences(IReadOnlyList<string> a, IReadOnlyList<string> b) =>
        Math.Max(a.Except(b, StringComparer.Ordinal).Count(), b.Except(a, StringComparer.Ordinal).Count());

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);

    private static string F(FormattableString value) => value.ToString(CultureInfo.InvariantCulture);
}
