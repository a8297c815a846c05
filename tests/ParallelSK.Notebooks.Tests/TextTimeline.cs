using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;

namespace ParallelSK.Notebooks.Tests;

/// <summary>
/// One row of a printed <c>BatchReport.ToTimeline()</c>: columns are time; <see cref="Ready"/> to <see cref="Start"/> is the
/// <c>·</c> part (ready, not yet started), <see cref="Start"/> to <see cref="End"/> the <c>█</c> part (running).
/// </summary>
public sealed record TimelineRow(int Index, string Name, int Ready, int Start, int End, string Status, IReadOnlyList<int> After)
{
    /// <summary>Gets the columns the call was ready but not started.</summary>
    public int Waited => Start - Ready;

    /// <summary>Whether the two calls ran at the same time for at least one column.</summary>
    public bool Overlaps(TimelineRow other) => Start < other.End && other.Start < End;

    /// <summary>Whether this call started only once <paramref name="other"/> had finished.</summary>
    public bool StartsAfter(TimelineRow other) => Start >= other.End;
}

/// <summary>A printed text timeline: its rows, in emitted order.</summary>
public sealed partial class TextTimeline(IReadOnlyList<TimelineRow> rows, string text)
{
    public IReadOnlyList<TimelineRow> Rows { get; } = rows;

    public TimelineRow this[int index] => Rows[index];

    /// <summary>Asserts every pair of the given calls ran at the same time.</summary>
    public void AssertOverlap(params int[] calls)
    {
        foreach (int a in calls)
        {
            foreach (int b in calls.Where(b => b > a))
            {
                Assert.True(Rows[a].Overlaps(Rows[b]), $"#{a} and #{b} did not overlap:\n{text}");
            }
        }
    }

    /// <summary>Asserts <paramref name="call"/> waited for exactly <paramref name="predecessors"/> and started after they finished.</summary>
    public void AssertOrderedAfter(int call, params int[] predecessors)
    {
        Assert.True(Rows[call].After.SequenceEqual(predecessors), $"#{call} is not 'after #{string.Join(",#", predecessors)}':\n{text}");
        Assert.All(predecessors, p => Assert.True(Rows[call].StartsAfter(Rows[p]), $"#{call} started before #{p} finished:\n{text}"));
    }

    public override string ToString() => text;

    /// <summary>Finds every timeline in the text: consecutive rows ended by the <c>makespan …</c> line.</summary>
    public static IReadOnlyList<TextTimeline> ParseAll(string text)
    {
        var timelines = new List<TextTimeline>();
        var rows = new List<TimelineRow>();
        var lines = new List<string>();
        foreach (string line in text.Split('\n'))
        {
            var match = Row().Match(line);
            if (match.Success)
            {
                string bar = match.Groups["bar"].Value;
                int ready = bar.IndexOfAny(['·', '█']), start = bar.IndexOf('█', StringComparison.Ordinal), end = bar.LastIndexOf('█') + 1;
                var after = match.Groups["after"].Success ? match.Groups["after"].Value.Split(',').Select(a => int.Parse(a.TrimStart('#'), System.Globalization.CultureInfo.InvariantCulture)).ToList() : [];
                rows.Add(new TimelineRow(int.Parse(match.Groups["index"].Value, System.Globalization.CultureInfo.InvariantCulture), match.Groups["name"].Value, ready, start, end, match.Groups["status"].Value, after));
                lines.Add(line);
            }
            else if (line.StartsWith("makespan ", StringComparison.Ordinal) && rows.Count > 0)
            {
                lines.Add(line);
                timelines.Add(new TextTimeline([.. rows], string.Join("\n", lines)));
                rows.Clear();
                lines.Clear();
            }
            else
            {
                rows.Clear();
                lines.Clear();
            }
        }

        return timelines;
    }

    [GeneratedRegex(@"^#(?<index>\d+) (?<name>\S+)\s*\|(?<bar>[^|]*)\| (?<status>\w+)(?: \d+ ms)?(?: after (?<after>#\d+(?:,#\d+)*))?\s*$")]
    private static partial Regex Row();
}
