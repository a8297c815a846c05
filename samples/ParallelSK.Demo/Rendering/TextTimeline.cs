using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using SemanticKernel.ParallelInvocation;

namespace ParallelSK.Demo.Rendering;

/// <summary>
/// Draws a batch as text rows on a given time scale (<c>█</c> while a call ran, <c>·</c> while it was ready but not started), so
/// the rows of the strategies of one turn, drawn on one scale, can be compared by their length.
/// </summary>
internal static class TextTimeline
{
    /// <summary>The milliseconds per column that fit the longest of <paramref name="batches"/> into <paramref name="width"/> columns.</summary>
    public static double Scale(IEnumerable<BatchReport> batches, int width) =>
        Math.Max(batches.Select(b => b.Makespan.TotalMilliseconds).DefaultIfEmpty(0).Max(), 1) / width;

    /// <param name="batch">The batch.</param>
    /// <param name="msPerColumn">The scale: the same for every batch that is compared.</param>
    /// <param name="width">The columns of the longest batch compared.</param>
    /// <param name="indent">Put before every row.</param>
    public static string Render(BatchReport batch, double msPerColumn, int width, string indent)
    {
        int nameWidth = Math.Min(28, batch.Calls.Select(c => c.Name.Length).DefaultIfEmpty(4).Max() + 4);
        var sb = new StringBuilder();
        foreach (var call in batch.Calls)
        {
            var row = new char[width];
            Array.Fill(row, ' ');
            if (call.StartedAt is { } started)
            {
                int ready = Column(call.QueuedAt ?? started), start = Column(started), end = Math.Max(Column(call.FinishedAt), start + 1);
                Array.Fill(row, '·', ready, Math.Max(0, Math.Min(start, width) - ready));
                Array.Fill(row, '█', Math.Min(start, width - 1), Math.Max(1, Math.Min(end, width) - Math.Min(start, width - 1)));
            }

            string label = $"#{call.Index} {call.Name}";
            sb.Append(indent).Append(label.Length > nameWidth ? label[..nameWidth] : label.PadRight(nameWidth)).Append('|').Append(row).Append("| ").Append(call.Status);
            if (call.StartedAt is not null)
            {
                sb.Append(CultureInfo.InvariantCulture, $" {call.RunTime.TotalMilliseconds:0} ms");
            }

            if (call.Predecessors.Count > 0)
            {
                sb.Append(" after #").Append(string.Join(",#", call.Predecessors));
            }

            sb.AppendLine();
        }

        return sb.ToString();

        int Column(TimeSpan t) => (int)Math.Clamp(Math.Floor(t.TotalMilliseconds / msPerColumn), 0, width);
    }
}
