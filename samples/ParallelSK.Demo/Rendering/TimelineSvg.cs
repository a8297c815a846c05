using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Text;
using SemanticKernel.ParallelInvocation;

namespace ParallelSK.Demo.Rendering;

/// <summary>Draws every run's tool calls as a Gantt chart on one time axis, turn after turn, so the strategies can be compared by eye.</summary>
internal static class TimelineSvg
{
    private const int Width = 960, LabelWidth = 210, Row = 18, Header = 26, Margin = 12;

    private static readonly Dictionary<Strategy, string> Colors = new()
    {
        [Strategy.Sequential] = "#7f7f7f",
        [Strategy.Naive] = "#ff7f0e",
        [Strategy.ParallelSK] = "#1f77b4",
    };

    public static string Render(IReadOnlyList<StrategyRun> runs)
    {
        double totalMs = Math.Max(1, runs.Max(r => r.ToolTime.TotalMilliseconds));
        double scale = (Width - LabelWidth - 2 * Margin) / totalMs;
        int rows = runs.Sum(r => r.Batches.Sum(b => b.Calls.Count));
        int height = Margin + 24 + runs.Count * Header + rows * Row + 40;
        var svg = new StringBuilder();
        svg.Append(F($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{height}\" font-family=\"sans-serif\" font-size=\"11\">\n"));
        svg.Append(F($"<rect width=\"{Width}\" height=\"{height}\" fill=\"white\"/>\n"));
        svg.Append(F($"<text x=\"{Margin}\" y=\"{Margin + 12}\" font-size=\"14\" font-weight=\"bold\">Tool calls of one conversation, per strategy (grey: sequential, orange: naive, blue: ParallelSK, red: failed)</text>\n"));
        double y = Margin + 24;
        foreach (var run in runs)
        {
            svg.Append(F($"<text x=\"{Margin}\" y=\"{y + 18}\" font-size=\"13\" font-weight=\"bold\">{run.Strategy.Label()}: {run.ToolTime.TotalSeconds:0.00} s of tool time</text>\n"));
            y += Header;
            double offset = 0;
            for (int turn = 0; turn < run.Batches.Count; turn++)
            {
                var batch = run.Batches[turn];
                foreach (var call in batch.Calls)
                {
                    AppendCall(svg, run.Strategy, turn, call, offset, scale, y);
                    y += Row;
                }

                offset += batch.Makespan.TotalMilliseconds;
            }
        }

        AppendAxis(svg, totalMs, scale, y + 8);
        svg.Append("</svg>\n");
        return svg.ToString();
    }

    private static void AppendCall(StringBuilder svg, Strategy strategy, int turn, ToolCallOutcome call, double offsetMs, double scale, double y)
    {
        string label = WebUtility.HtmlEncode($"turn {turn + 1} #{call.Index} {call.Name}");
        svg.Append(F($"<text x=\"{Margin}\" y=\"{y + 12}\">{label}</text>\n"));
        if (call.StartedAt is not { } started)
        {
            return;
        }

        double x = LabelWidth + (offsetMs + started.TotalMilliseconds) * scale;
        double w = Math.Max(1, call.RunTime.TotalMilliseconds * scale);
        string color = call.Status == ToolCallStatus.Succeeded ? Colors[strategy] : "#d62728";
        string title = WebUtility.HtmlEncode($"{call.Name}: {call.Status}, {call.RunTime.TotalMilliseconds:0} ms");
        svg.Append(F($"<rect x=\"{x:0.0}\" y=\"{y + 2}\" width=\"{w:0.0}\" height=\"{Row - 5}\" fill=\"{color}\"><title>{title}</title></rect>\n"));
    }

    private static void AppendAxis(StringBuilder svg, double totalMs, double scale, double y)
    {
        double step = new[] { 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000 }.FirstOrDefault(s => totalMs / s <= 12, 20000);
        svg.Append(F($"<line x1=\"{LabelWidth}\" y1=\"{y}\" x2=\"{LabelWidth + totalMs * scale:0.0}\" y2=\"{y}\" stroke=\"black\"/>\n"));
        for (double t = 0; t <= totalMs + 1e-9; t += step)
        {
            double x = LabelWidth + t * scale;
            svg.Append(F($"<line x1=\"{x:0.0}\" y1=\"{y}\" x2=\"{x:0.0}\" y2=\"{y + 4}\" stroke=\"black\"/><text x=\"{x:0.0}\" y=\"{y + 16}\" text-anchor=\"middle\">{t / 1000:0.##} s</text>\n"));
        }
    }

    private static string F(FormattableString value) => value.ToString(CultureInfo.InvariantCulture);
}
