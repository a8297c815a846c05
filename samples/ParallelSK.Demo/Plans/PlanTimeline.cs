using System;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net;
using System.Text;

namespace ParallelSK.Demo.Plans;

/// <summary>Draws a plan's timeline with its edges: as text for the terminal, and as SVG with an arrow per edge.</summary>
internal static class PlanTimeline
{
    private const int Width = 960, LabelWidth = 260, Row = 20, Top = 60, Margin = 12;

    public static void Write(TextWriter output, PlanRunView view)
    {
        const int width = 40;
        double total = Math.Max(1, view.Makespan.TotalMilliseconds);
        int labelWidth = view.Rows.Max(r => r.Label.Length) + 2;
        output.WriteLine($"The engine ran the plan: {view.StepCount} steps, {view.Rows.Count(r => r.IsElement)} of them calls of a fan-out (data edges: 'needs $N'; conflict edges: 'after #N').");
        foreach (var row in view.Rows)
        {
            var bar = new char[width];
            Array.Fill(bar, ' ');
            int s = Column(row.Start), f = Math.Max(Column(row.End), s + 1);
            for (int i = s; i < f && i < width; i++)
            {
                bar[i] = row.IsElement ? '▒' : '█';
            }

            var edges = new StringBuilder();
            if (row.DataEdges.Length > 0)
            {
                edges.Append(" needs ").Append(string.Join(", ", row.DataEdges.Select(d => "$" + d.ToString(CultureInfo.InvariantCulture))));
            }

            if (row.ConflictEdges.Length > 0)
            {
                edges.Append(" after ").Append(string.Join(", ", row.ConflictEdges.Select(c => "#" + c.ToString(CultureInfo.InvariantCulture)))).Append(" (conflict)");
            }

            output.WriteLine($"{row.Label.PadRight(labelWidth)}|{new string(bar)}| {row.Status} {F($"{(row.End - row.Start).TotalMilliseconds:0} ms")}{edges}");
        }

        output.WriteLine(F($"plan makespan {view.Makespan.TotalMilliseconds:0} ms; model round trips: {view.ModelRequests} (one call a turn would take {view.Calls + 1})"));
        output.WriteLine();
        output.WriteLine($"Assistant: {view.Answer}");
        foreach (string message in view.Outbox)
        {
            output.WriteLine($"Outbox: {message}");
        }

        int Column(TimeSpan t) => (int)Math.Clamp(Math.Floor(t.TotalMilliseconds / total * width), 0, width);
    }

    public static string Svg(PlanRunView view)
    {
        double total = Math.Max(1, view.Makespan.TotalMilliseconds);
        double scale = (Width - LabelWidth - (2 * Margin)) / total;
        int height = Top + (view.Rows.Count * Row) + 40;
        var svg = new StringBuilder();
        svg.Append(F($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{height}\" font-family=\"sans-serif\" font-size=\"11\">\n"));
        svg.Append("<defs><marker id=\"data\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"6\" markerHeight=\"6\" orient=\"auto\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"#1f77b4\"/></marker>");
        svg.Append("<marker id=\"conflict\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"6\" markerHeight=\"6\" orient=\"auto\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"#d62728\"/></marker></defs>\n");
        svg.Append(F($"<rect width=\"{Width}\" height=\"{height}\" fill=\"white\"/>\n"));
        svg.Append(F($"<text x=\"{Margin}\" y=\"20\" font-size=\"14\" font-weight=\"bold\">One plan, {view.StepCount} steps, {view.ModelRequests} model round trips: blue arrows are data edges ($N), red dashed ones conflict edges</text>\n"));
        svg.Append(F($"<text x=\"{Margin}\" y=\"38\">makespan {view.Makespan.TotalMilliseconds:0} ms; light bars: the calls of a for_each step, run as a nested batch</text>\n"));
        var stepRow = view.Rows.Select((r, i) => (r, i)).Where(t => !t.r.IsElement).ToDictionary(t => t.r.Step, t => t.i);
        for (int i = 0; i < view.Rows.Count; i++)
        {
            var row = view.Rows[i];
            double y = Top + (i * Row);
            double x = LabelWidth + (row.Start.TotalMilliseconds * scale);
            double w = Math.Max(2, (row.End - row.Start).TotalMilliseconds * scale);
            string fill = row.Status != "Succeeded" ? "#d62728" : row.IsElement ? "#9ecae1" : "#1f77b4";
            svg.Append(F($"<text x=\"{Margin}\" y=\"{y + 13}\">{WebUtility.HtmlEncode(row.Label.Trim())}</text>"));
            svg.Append(F($"<rect x=\"{x:0.0}\" y=\"{y + 3}\" width=\"{w:0.0}\" height=\"{Row - 6}\" fill=\"{fill}\"><title>{WebUtility.HtmlEncode(row.Label.Trim())}: {(row.End - row.Start).TotalMilliseconds:0} ms, {row.Status}</title></rect>\n"));
            Arrows(svg, view, row, row.DataEdges, stepRow, i, scale, "#1f77b4", "data", dashed: false);
            Arrows(svg, view, row, row.ConflictEdges, stepRow, i, scale, "#d62728", "conflict", dashed: true);
        }

        double axis = Top + (view.Rows.Count * Row) + 8;
        svg.Append(F($"<line x1=\"{LabelWidth}\" y1=\"{axis}\" x2=\"{LabelWidth + (total * scale):0}\" y2=\"{axis}\" stroke=\"black\"/>\n"));
        double step = new[] { 50, 100, 200, 250, 500, 1000, 2000 }.First(v => total / v <= 10 || v == 2000);
        for (double t = 0; t <= total; t += step)
        {
            double x = LabelWidth + (t * scale);
            svg.Append(F($"<line x1=\"{x:0.0}\" y1=\"{axis}\" x2=\"{x:0.0}\" y2=\"{axis + 4}\" stroke=\"black\"/><text x=\"{x:0.0}\" y=\"{axis + 16}\" text-anchor=\"middle\">{t:0} ms</text>\n"));
        }

        svg.Append("</svg>\n");
        return svg.ToString();
    }

    /// <summary>An arrow from the end of each predecessor step's bar to the start of this row's bar.</summary>
    private static void Arrows(StringBuilder svg, PlanRunView view, PlanRow row, int[] from, System.Collections.Generic.Dictionary<int, int> stepRow, int rowIndex, double scale, string color, string marker, bool dashed)
    {
        foreach (int p in from)
        {
            if (!stepRow.TryGetValue(p, out int source))
            {
                continue;
            }

            var producer = view.Rows[source];
            double x1 = LabelWidth + (producer.End.TotalMilliseconds * scale), y1 = Top + (source * Row) + (Row / 2.0);
            double x2 = LabelWidth + (row.Start.TotalMilliseconds * scale), y2 = Top + (rowIndex * Row) + (Row / 2.0);
            string dash = dashed ? " stroke-dasharray=\"4,3\"" : string.Empty;
            svg.Append(F($"<path d=\"M{x1:0.0},{y1:0.0} C{x1 + 18:0.0},{y1:0.0} {x2 - 18:0.0},{y2:0.0} {x2:0.0},{y2:0.0}\" fill=\"none\" stroke=\"{color}\" stroke-width=\"1.2\"{dash} marker-end=\"url(#{marker})\"/>\n"));
        }
    }

    private static string F(FormattableString value) => value.ToString(CultureInfo.InvariantCulture);
}
