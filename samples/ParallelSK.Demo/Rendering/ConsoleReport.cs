using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;

namespace ParallelSK.Demo.Rendering;

/// <summary>Writes the terminal view: the timelines turn by turn, then the summary, the answers and the final state side by side.</summary>
internal static class ConsoleReport
{
    /// <summary>The columns of the longest timeline of a turn.</summary>
    public const int TimelineWidth = 48;

    /// <summary>
    /// Writes each turn's tool calls, one strategy under the other, on one time scale per turn (stated in the turn's heading), so a
    /// longer bar is a longer time whichever strategy drew it.
    /// </summary>
    public static void WriteTimelines(TextWriter output, IReadOnlyList<StrategyRun> runs)
    {
        int turns = runs.Max(r => r.Batches.Count);
        for (int turn = 0; turn < turns; turn++)
        {
            var batches = runs.Where(r => turn < r.Batches.Count).Select(r => r.Batches[turn]).ToList();
            double scale = TextTimeline.Scale(batches, TimelineWidth);
            output.WriteLine();
            output.WriteLine(F($"=== turn {turn + 1}: one column = {scale:0.#} ms ==="));
            foreach (var run in runs)
            {
                if (turn >= run.Batches.Count)
                {
                    output.WriteLine($"{run.Strategy.Label()}: no tool calls in this turn");
                    continue;
                }

                var batch = run.Batches[turn];
                output.WriteLine(F($"{run.Strategy.Label()}: {batch.Calls.Count} tool calls, {batch.Makespan.TotalMilliseconds:0} ms"));
                output.Write(TextTimeline.Render(batch, scale, TimelineWidth, "  "));
            }
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

        output.WriteLine();
        output.WriteLine("=== final state (sequential is the reference) ===");
        foreach (var run in runs.Where(r => r != reference))
        {
            var differences = StateDifferences(run.FinalState, reference.FinalState);
            if (differences.Count == 0)
            {
                output.WriteLine($"  {run.Strategy.Label(),-18}  same ({run.FinalState.Count} facts)");
            }

            foreach (var (here, expected) in differences)
            {
                output.WriteLine($"  {run.Strategy.Label(),-18}  WRONG: {here ?? "(missing)"}   sequential: {expected ?? "(absent)"}");
            }
        }
    }

    /// <summary>
    /// The state facts that differ, each as this run's fact and the reference's: facts about the same thing (the text before
    /// " = ") are paired; a fact only one of them has is paired with null.
    /// </summary>
    public static IReadOnlyList<(string? Here, string? Reference)> StateDifferences(IReadOnlyList<string> state, IReadOnlyList<string> reference)
    {
        var onlyHere = state.Except(reference, StringComparer.Ordinal).ToList();
        var onlyReference = reference.Except(state, StringComparer.Ordinal).ToList();
        var pairs = new List<(string?, string?)>();
        foreach (string fact in onlyHere)
        {
            string? match = onlyReference.FirstOrDefault(r => Subject(r) == Subject(fact));
            if (match is not null)
            {
                onlyReference.Remove(match);
            }

            pairs.Add((fact, match));
        }

        pairs.AddRange(onlyReference.Select(r => ((string?)null, (string?)r)));
        return pairs;

        static string Subject(string fact) => fact.Split(" = ")[0];
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
        int state = StateDifferences(run.FinalState, reference.FinalState).Count;
        return answer == 0 && state == 0
            ? "same answer, same final state"
            : $"WRONG: {answer} answer line(s) and {state} state fact(s) differ (listed below)";
    }

    /// <summary>Counts the facts that differ: the larger of "in a, not in b" and "in b, not in a" (a changed fact counts once).</summary>
    public static int Differences(IReadOnlyList<string> a, IReadOnlyList<string> b) =>
        Math.Max(a.Except(b, StringComparer.Ordinal).Count(), b.Except(a, StringComparer.Ordinal).Count());

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);

    private static string F(FormattableString value) => value.ToString(CultureInfo.InvariantCulture);
}
