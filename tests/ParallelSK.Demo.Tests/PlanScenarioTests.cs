using System;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace ParallelSK.Demo.Tests;

public class PlanScenarioTests
{
    private static async Task<(int Exit, string Output)> Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        int exit = await DemoApp.RunAsync(args, output, error, showProgress: false, environment: _ => null, CancellationToken.None);
        return (exit, output.ToString());
    }

    [Fact]
    public async Task RunAsync_Plan_ShowsTheTimelineWithDataAndConflictEdgesAndTwoRoundTrips()
    {
        var (exit, output) = await Run("--plan", "--latency-ms", "5", "--no-svg");

        Assert.Equal(DemoApp.ExitOk, exit);
        string[] lines = output.Split('\n');
        Assert.Contains(lines, l => l.StartsWith("#2 get_order_total", StringComparison.Ordinal) && l.Contains("needs $1", StringComparison.Ordinal));
        Assert.Equal(3, lines.Count(l => l.Contains("] get_order_total(A-100", StringComparison.Ordinal)));
        Assert.Contains(lines, l => l.StartsWith("#7 add_points", StringComparison.Ordinal) && l.Contains("needs $4 after #6 (conflict)", StringComparison.Ordinal));
        Assert.Contains("model round trips: 2 (one call a turn would take 11)", output, StringComparison.Ordinal);
        Assert.Contains("Your 3 orders cost 229.77 EUR (249.75 USD); your points went from 300 to 549", output, StringComparison.Ordinal);
        Assert.Contains("Outbox: to c-42: Your orders cost 229.77 EUR; you had 300 points and now have 549.", output, StringComparison.Ordinal);
        Assert.DoesNotContain("SVG", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_PlanWithSvg_WritesArrowsForTheEdges()
    {
        string path = Path.Combine(Path.GetTempPath(), $"parallelsk-plan-{Guid.NewGuid():N}", "plan.svg");
        try
        {
            var (exit, output) = await Run("--plan", "--latency-ms", "5", "--svg", path);

            Assert.Equal(DemoApp.ExitOk, exit);
            Assert.Contains($"SVG timeline written to {path}", output, StringComparison.Ordinal);
            string svg = await File.ReadAllTextAsync(path);
            Assert.StartsWith("<svg", svg, StringComparison.Ordinal);
            Assert.Equal(8, svg.Split("marker-end=\"url(#data)\"").Length - 1);      // one per step referenced: 1+1+2+1+3
            Assert.Equal(1, svg.Split("marker-end=\"url(#conflict)\"").Length - 1);  // get_points before add_points
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(path)!, recursive: true);
        }
    }
}
