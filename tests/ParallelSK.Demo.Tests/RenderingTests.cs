using System;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ParallelSK.Demo.Rendering;

namespace ParallelSK.Demo.Tests;

/// <summary>The terminal view: timelines comparable across strategies, and the state facts that differ named.</summary>
public class RenderingTests
{
    private static readonly TimeSpan Unit = TimeSpan.FromMilliseconds(20);

    private static Task<StrategyRun> Run(Strategy strategy) => ShopScenario.RunAsync(strategy, Unit, null, null, CancellationToken.None);

    [Fact]
    public async Task WriteTimelines_OneTurnOfTwoStrategies_DrawsBothOnOneScaleSoTheShorterRunHasTheShorterBars()
    {
        StrategyRun[] runs = [await Run(Strategy.Sequential), await Run(Strategy.Naive)];
        using var output = new StringWriter();

        ConsoleReport.WriteTimelines(output, runs);

        string[] lines = output.ToString().Split('\n');
        int heading = Array.FindIndex(lines, l => l.StartsWith("=== turn 1: one column = ", StringComparison.Ordinal));
        Assert.True(heading >= 0, output.ToString());
        int Extent(Strategy strategy)
        {
            int start = Array.FindIndex(lines, heading, l => l.StartsWith(strategy.Label() + ":", StringComparison.Ordinal));
            var rows = lines.Skip(start + 1).TakeWhile(l => l.StartsWith("  #", StringComparison.Ordinal)).ToList();
            Assert.Equal(runs.Single(r => r.Strategy == strategy).Batches[0].Calls.Count, rows.Count);
            return rows.Max(r => r.Split('|')[1].LastIndexOf('█') + 1);
        }

        int sequential = Extent(Strategy.Sequential), naive = Extent(Strategy.Naive);
        Assert.InRange(sequential, ConsoleReport.TimelineWidth - 1, ConsoleReport.TimelineWidth);
        Assert.True(naive < sequential / 2, $"naive {naive} columns, sequential {sequential}:\n{output}");
    }

    [Fact]
    public void StateDifferences_ChangedMissingAndExtraFacts_PairsFactsAboutTheSameThing()
    {
        string[] state = ["stock widget = 10", "points c-42 = 120", "outbox: hello"];
        string[] reference = ["stock widget = 7", "points c-42 = 120", "order A-1001 total = 50.00, discount = 0%"];

        var differences = ConsoleReport.StateDifferences(state, reference);

        (string?, string?)[] expected = [("stock widget = 10", "stock widget = 7"), ("outbox: hello", null), (null, "order A-1001 total = 50.00, discount = 0%")];
        Assert.Equal(expected, differences);
    }

    [Fact]
    public async Task WriteSummary_NaiveRun_NamesEachStateFactThatDiffersFromTheSequentialOne()
    {
        var sequential = await Run(Strategy.Sequential);
        var naive = await Run(Strategy.Naive);
        using var output = new StringWriter();

        ConsoleReport.WriteSummary(output, [sequential, naive]);

        var differences = ConsoleReport.StateDifferences(naive.FinalState, sequential.FinalState);
        Assert.NotEmpty(differences);
        Assert.Contains($"{differences.Count} state fact(s) differ", output.ToString(), StringComparison.Ordinal);
        Assert.All(differences, d => Assert.Contains(
            $"naive concurrent    WRONG: {d.Here ?? "(missing)"}   sequential: {d.Reference ?? "(absent)"}", output.ToString(), StringComparison.Ordinal));
    }
}
