using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using static ParallelSK.Benchmarks.Common.Svg;

namespace ParallelSK.Benchmarks.PlanMode;

/// <summary>Draws median wall time per workload for the three styles as grouped horizontal bars, each labelled with its round trips.</summary>
internal static class PlanModeChart
{
    private const int Width = 960, LabelWidth = 250, Bar = 12, GroupGap = 14, Top = 56, Margin = 12;

    private static readonly (PlanStyle Style, string Color, string Label)[] Series =
    [
        (PlanStyle.ReAct, "#7f7f7f", "ReAct (one call a turn)"),
        (PlanStyle.FlatBatches, "#ff7f0e", "flat parallel batches"),
        (PlanStyle.Plan, "#1f77b4", "plan mode"),
    ];

    public static string Render(IReadOnlyList<PlanModeHarness.WorkloadResult> results)
    {
        double max = Math.Max(1, results.Max(r => r.ByStyle.Values.Max(s => s.Median)));
        double scale = (Width - LabelWidth - 110) / max;
        int group = (Series.Length * Bar) + GroupGap;
        int height = Top + (results.Count * group) + 40;
        var svg = Begin(Width, height, "Median wall time per task (simulated s; model 1.5 s a request; label: round trips)", Margin);
        for (int s = 0; s < Series.Length; s++)
        {
            Legend(svg, Margin + (s * 210), 30, Series[s].Color, Series[s].Label);
        }

        double y = Top;
        foreach (var result in results)
        {
            svg.Append(F($"<text x=\"{Margin}\" y=\"{y + (group / 2.0) + 2:0}\">{WebUtility.HtmlEncode(result.Workload.Name)}</text>\n"));
            for (int s = 0; s < Series.Length; s++)
            {
                var style = result.ByStyle[Series[s].Style];
                double by = y + (s * Bar);
                svg.Append(F($"<rect x=\"{LabelWidth}\" y=\"{by:0}\" width=\"{Math.Max(1, style.Median * scale):0.0}\" height=\"{Bar - 2}\" fill=\"{Series[s].Color}\"><title>{Series[s].Label}: {style.Median:0.0} s, {style.Requests} round trips</title></rect>"));
                svg.Append(F($"<text x=\"{LabelWidth + (style.Median * scale) + 4:0.0}\" y=\"{by + Bar - 3:0}\" font-size=\"9\">{style.Median:0.0} s, {style.Requests} trips</text>\n"));
            }

            y += group;
        }

        svg.Append(F($"<line x1=\"{LabelWidth}\" y1=\"{y}\" x2=\"{LabelWidth + (max * scale):0}\" y2=\"{y}\" stroke=\"black\"/>\n"));
        double step = new[] { 1, 2, 5, 10, 20 }.First(v => max / v <= 10 || v == 20);
        for (double t = 0; t <= max; t += step)
        {
            svg.Append(F($"<text x=\"{LabelWidth + (t * scale):0}\" y=\"{y + 14}\" text-anchor=\"middle\">{t:0} s</text>\n"));
        }

        svg.Append("</svg>\n");
        return svg.ToString();
    }
}
