using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Threading.Tasks;

namespace SemanticKernel.ParallelInvocation;

/// <summary>What happened to one batch: every call's outcome and timing, and how well the batch used the parallelism it had.</summary>
/// <remarks>Immutable; safe to keep and read from any thread.</remarks>
public sealed class BatchReport
{
    internal BatchReport(IReadOnlyList<ToolCallOutcome> calls, TimeSpan makespan, TimeSpan criticalPath, int maxInFlight, int orderingConstraints, IReadOnlyList<string> diagnostics, Task? abandonedWorkEnded = null)
    {
        Calls = calls;
        Makespan = makespan;
        CriticalPath = criticalPath;
        MaxInFlight = maxInFlight;
        OrderingConstraints = orderingConstraints;
        Diagnostics = diagnostics;
        AbandonedWorkEnded = abandonedWorkEnded ?? Task.CompletedTask;
        long sequential = 0;
        for (int i = 0; i < calls.Count; i++)
        {
            sequential += calls[i].RunTime.Ticks;
        }

        SequentialCost = TimeSpan.FromTicks(sequential);
    }

    /// <summary>Gets one outcome per call, in emitted order.</summary>
    public IReadOnlyList<ToolCallOutcome> Calls { get; }

    /// <summary>Gets the time from the batch start until the last outcome was decided.</summary>
    public TimeSpan Makespan { get; }

    /// <summary>Gets the sum of the calls' run times: about what running them one after another would have taken.</summary>
    public TimeSpan SequentialCost { get; }

    /// <summary>Gets the longest chain of ordered calls, by their run times: the least makespan any correct schedule could reach with unlimited concurrency.</summary>
    public TimeSpan CriticalPath { get; }

    /// <summary>Gets <see cref="SequentialCost"/> divided by <see cref="Makespan"/>: how many calls ran at once on average.</summary>
    public double AchievedParallelism => Makespan > TimeSpan.Zero ? SequentialCost / Makespan : 0;

    /// <summary>Gets the most calls that were running at the same moment.</summary>
    public int MaxInFlight { get; }

    /// <summary>Gets the number of ordering edges in the plan (after reduction).</summary>
    public int OrderingConstraints { get; }

    /// <summary>Gets what the host noticed about this turn, such as settings that silently disable parallel calls.</summary>
    public IReadOnlyList<string> Diagnostics { get; }

    /// <summary>
    /// Gets a task that completes when the function of every abandoned call of the batch (<see cref="ToolCallOutcome.Abandoned"/>) has
    /// really ended, and with it released its concurrency-group permit; already complete when nothing was abandoned. It never faults.
    /// Await it where abandoned work must not outlive you (shutdown, tests); a function that never returns never completes it.
    /// </summary>
    public Task AbandonedWorkEnded { get; }

    /// <summary>Renders a text timeline: one row per call, <c>█</c> while it ran, <c>·</c> while it was ready but waited for a slot.</summary>
    /// <param name="width">The width of the time axis in characters.</param>
    /// <returns>The timeline, one line per call.</returns>
    public string ToTimeline(int width = 50)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 10);
        double total = Math.Max(Makespan.TotalMilliseconds, 1e-9);
        int nameWidth = Math.Min(28, Calls.Select(c => c.Name.Length).DefaultIfEmpty(4).Max() + 4);
        var sb = new StringBuilder();
        foreach (var call in Calls)
        {
            var row = new char[width];
            Array.Fill(row, ' ');
            if (call.StartedAt is { } started)
            {
                int q = Column(call.QueuedAt ?? started), s = Column(started), f = Math.Max(Column(call.FinishedAt), s + 1);
                for (int i = q; i < s && i < width; i++)
                {
                    row[i] = '·';
                }

                for (int i = s; i < f && i < width; i++)
                {
                    row[i] = '█';
                }
            }

            string label = $"#{call.Index} {call.Name}";
            sb.Append(label.Length > nameWidth ? label[..nameWidth] : label.PadRight(nameWidth))
              .Append('|').Append(row).Append("| ")
              .Append(call.Status.ToString());
            if (call.StartedAt is not null)
            {
                sb.Append(' ').Append(call.RunTime.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture)).Append(" ms");
            }

            if (call.Abandoned)
            {
                sb.Append(call.EffectInDoubt ? " abandoned (effect in doubt)" : " abandoned");
                sb.Append(call.SlotHeldFor is { } held ? $", slot held {held.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture)} ms" : ", still running");
            }

            if (call.Predecessors.Count > 0)
            {
                sb.Append(" after #").Append(string.Join(",#", call.Predecessors));
            }

            sb.AppendLine();
        }

        sb.Append(FormattableString.Invariant($"makespan {Makespan.TotalMilliseconds:0} ms, sequential {SequentialCost.TotalMilliseconds:0} ms, critical path {CriticalPath.TotalMilliseconds:0} ms, parallelism {AchievedParallelism:0.00}"));
        return sb.ToString();

        int Column(TimeSpan t) => (int)Math.Clamp(Math.Floor(t.TotalMilliseconds / total * width), 0, width);
    }
}
