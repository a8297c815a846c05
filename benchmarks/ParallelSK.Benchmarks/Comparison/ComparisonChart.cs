using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net;
using System.Text;
using BenchmarkDotNet.Reports;
using static ParallelSK.Benchmarks.Common.Svg;

namespace ParallelSK.Benchmarks.Comparison;

/// <summary>
/// Draws a comparison run as two panels of grouped bars, per batch size N: time per call and bytes allocated per call, one bar per
/// method, from the run's own summary (so the chart is always the table's numbers).
/// </summary>
internal static class ComparisonChart
{
    private const int PanelWidth = 470, PanelHeight = 300, Left = 56, Top = 78, Bottom = 40, Gap = 30;

    private static readonly string[] Colors = ["#7f7f7f", "#ff7f0e", "#ffbb78", "#1f77b4", "#aec7e8", "#2ca02c", "#98df8a"];

    /// <summary>Writes the chart of <paramref name="summary"/> to <paramref name="path"/>; returns the full path, or null if the run has no results.</summary>
    public static string? Write(Summary summary, string path)
    {
        var rows = summary.Reports
            .Where(r => r.ResultStatistics is not null)
            .Select(r => (
                Method: r.BenchmarkCase.Descriptor.WorkloadMethodDisplayInfo.Trim('\''),
                N: Convert.ToInt32(r.BenchmarkCase.Parameters["N"], CultureInfo.InvariantCulture),
                TimeUs: r.ResultStatistics!.Mean / 1000.0 / Convert.ToInt32(r.BenchmarkCase.Parameters["N"], CultureInfo.InvariantCulture),
                Bytes: (r.GcStats.GetBytesAllocatedPerOperation(r.BenchmarkCase) ?? 0) / (double)Convert.ToInt32(r.BenchmarkCase.Parameters["N"], CultureInfo.InvariantCulture)))
            .ToList();
        if (rows.Count == 0)
        {
            return null;
        }

        var methods = rows.Select(r => r.Method).Distinct().ToList();
        var sizes = rows.Select(r => r.N).Distinct().Order().ToList();
        int width = (2 * PanelWidth) + Gap + 20, height = Top + PanelHeight + Bottom + (14 * ((methods.Count + 1) / 2));
        var svg = Begin(width, height, "One batch of N zero-latency calls: cost per call, by method (one BenchmarkDotNet run)", 10);
        for (int m = 0; m < methods.Count; m++)
        {
            Legend(svg, 10 + ((m % 2) * 480), 32 + ((m / 2) * 14), Colors[m % Colors.Length], methods[m], size: 10);
        }

        int top = Top + (14 * ((methods.Count - 1) / 2));
        Panel(svg, 10, top, "time per call (µs)", methods, sizes, (m, n) => rows.FirstOrDefault(r => r.Method == m && r.N == n).TimeUs, "0.0");
        Panel(svg, 10 + PanelWidth + Gap, top, "allocated per call (KB)", methods, sizes, (m, n) => rows.FirstOrDefault(r => r.Method == m && r.N == n).Bytes / 1024.0, "0.0");
        svg.Append("</svg>\n");

        string full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllText(full, svg.ToString());
        return full;
    }

    private static void Panel(StringBuilder svg, double x0, double top, string title, List<string> methods, List<int> sizes, Func<string, int, double> value, string format)
    {
        double max = Math.Max(1e-9, sizes.SelectMany(n => methods.Select(m => value(m, n))).Max());
        double plotW = PanelWidth - Left - 10, plotH = PanelHeight - 30;
        double groupW = plotW / sizes.Count, barW = (groupW - 12) / methods.Count;
        double baseY = top + 20 + plotH;
        svg.Append(F($"<text x=\"{x0 + Left}\" y=\"{top + 10}\" font-weight=\"bold\">{WebUtility.HtmlEncode(title)}</text>\n"));
        double step = NiceStep(max / 5);
        for (double t = 0; t <= max + (step / 2); t += step)
        {
            double y = baseY - (t / max * plotH);
            svg.Append(F($"<line x1=\"{x0 + Left}\" y1=\"{y:0.0}\" x2=\"{x0 + Left + plotW}\" y2=\"{y:0.0}\" stroke=\"#eee\"/><text x=\"{x0 + Left - 4}\" y=\"{y + 3:0.0}\" text-anchor=\"end\">{t.ToString("0.##", CultureInfo.InvariantCulture)}</text>\n"));
        }

        for (int g = 0; g < sizes.Count; g++)
        {
            double gx = x0 + Left + (g * groupW) + 6;
            for (int m = 0; m < methods.Count; m++)
            {
                double v = value(methods[m], sizes[g]);
                double h = v / max * plotH;
                svg.Append(F($"<rect x=\"{gx + (m * barW):0.0}\" y=\"{baseY - h:0.0}\" width=\"{Math.Max(1, barW - 1):0.0}\" height=\"{h:0.0}\" fill=\"{Colors[m % Colors.Length]}\"><title>{WebUtility.HtmlEncode(methods[m])}, N={sizes[g]}: {v.ToString(format, CultureInfo.InvariantCulture)}</title></rect>"));
            }

            svg.Append(F($"<text x=\"{gx + ((groupW - 12) / 2):0.0}\" y=\"{baseY + 14:0.0}\" text-anchor=\"middle\">N={sizes[g]}</text>\n"));
        }

        svg.Append(F($"<line x1=\"{x0 + Left}\" y1=\"{baseY:0.0}\" x2=\"{x0 + Left + plotW}\" y2=\"{baseY:0.0}\" stroke=\"black\"/>\n"));
    }

    private static double NiceStep(double raw)
    {
        double magnitude = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        return new[] { 1, 2, 2.5, 5, 10 }.Select(f => f * magnitude).First(s => s >= raw);
    }
}
