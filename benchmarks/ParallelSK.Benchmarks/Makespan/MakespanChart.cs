using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using ParallelSK.Benchmarks.Common;
using static ParallelSK.Benchmarks.Common.Svg;

namespace ParallelSK.Benchmarks.Makespan;

/// <summary>
/// Draws median makespan per strategy per shape as grouped horizontal bars, with the shape's lower bound as a black tick: the
/// critical path, or, where a concurrency group's limit allows less, the group's total call time divided by its limit.
/// </summary>
internal static class MakespanChart
{
    private const int Width = 960, LabelWidth = 250, Bar = 12, GroupGap = 14, Top = 56, Margin = 12;

    private static readonly (Strategy Strategy, string Color, string Label)[] Series =
    [
        (Strategy.Sequential, "#7f7f7f", "sequential"),
        (Strategy.Naive, "#ff7f0e", "naive all-at-once"),
        (Strategy.ParallelSK, "#1f77b4", "ParallelSK"),
    ];

    public static string Render(IReadOnlyList<ShapeResult> results)
    {
        double maxMs = Math.Max(1, results.Max(r => r.ByStrategy.Values.Max(s => s.MedianMs)));
        double scale = (Width - LabelWidth - 80) / maxMs;
        int group = (Series.Length * Bar) + GroupGap;
        int height = Top + (results.Count * group) + 40;
        var svg = Begin(Width, height, "Median makespan per workload shape (ms; black tick: lower bound under the shape's limits)", Margin);
        for (int s = 0; s < Series.Length; s++)
        {
            Legend(svg, Margin + (s * 170), 30, Series[s].Color, Series[s].Label);
        }

        double y = Top;
        foreach (var result in results)
        {
            svg.Append(F($"<text x=\"{Margin}\" y=\"{y + (group / 2.0) + 2:0}\">{WebUtility.HtmlEncode(result.Workload.Name)}</text>\n"));
            for (int s = 0; s < Series.Length; s++)
            {
                double ms = result.ByStrategy[Series[s].Strategy].MedianMs;
                double by = y + (s * Bar);
                svg.Append(F($"<rect x=\"{LabelWidth}\" y=\"{by:0}\" width=\"{Math.Max(1, ms * scale):0.0}\" height=\"{Bar - 2}\" fill=\"{Series[s].Color}\"><title>{Series[s].Label}: {ms:0} ms</title></rect>"));
                svg.Append(F($"<text x=\"{LabelWidth + (ms * scale) + 4:0.0}\" y=\"{by + Bar - 3:0}\" font-size=\"9\">{ms:0}</text>\n"));
            }

            double lx = LabelWidth + (BoundMs(result) * scale);
            svg.Append(F($"<line x1=\"{lx:0.0}\" y1=\"{y - 2}\" x2=\"{lx:0.0}\" y2=\"{y + (Series.Length * Bar)}\" stroke=\"black\" stroke-width=\"2\"/>\n"));
            y += group;
        }

        svg.Append(F($"<line x1=\"{LabelWidth}\" y1=\"{y}\" x2=\"{LabelWidth + (maxMs * scale):0}\" y2=\"{y}\" stroke=\"black\"/>\n"));
        double step = new[] { 100, 200, 250, 500, 1000 }.First(v => maxMs / v <= 10 || v == 1000);
        for (double t = 0; t <= maxMs; t += step)
        {
            svg.Append(F($"<text x=\"{LabelWidth + (t * scale):0}\" y=\"{y + 14}\" text-anchor=\"middle\">{t:0}</text>\n"));
        }

        svg.Append("</svg>\n");
        return svg.ToString();
    }

    /// <summary>
    /// The least makespan any correct schedule can reach under the shape's limits: the critical path (unlimited concurrency), and
    /// for each concurrency group the sum of its calls' latencies over the group's limit, whichever is larger.
    /// </summary>
    internal static double BoundMs(ShapeResult result)
    {
        var groups = result.Workload.Tools.Where(t => t.Effects.ConcurrencyGroup is not null).ToDictionary(t => t.Name, t => t.Effects.ConcurrencyGroup!, StringComparer.Ordinal);
        double limited = result.Workload.Steps.Where(s => groups.ContainsKey(s.Tool)).GroupBy(s => groups[s.Tool], StringComparer.Ordinal)
            .Select(g => g.Sum(s => (double)s.Ms) / Workload.ApiLimit).DefaultIfEmpty(0).Max();
        return Math.Max(result.LowerBoundMs, limited);
    }
}
