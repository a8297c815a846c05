using System;
using System.Collections.Generic;
using System.Linq;
using SemanticKernel.ParallelInvocation;

namespace ParallelSK.Demo.Plans;

/// <summary>One row of a plan's timeline: a step, or one call of a fan-out step, with its times and the edges it waited on.</summary>
internal sealed record PlanRow(string Label, TimeSpan Start, TimeSpan End, string Status, int[] DataEdges, int[] ConflictEdges, int Step, bool IsElement);

/// <summary>What the plan scenario produced, ready to draw.</summary>
internal sealed record PlanRunView(IReadOnlyList<PlanRow> Rows, TimeSpan Makespan, int ModelRequests, int StepCount, string Answer, IReadOnlyList<string> Outbox)
{
    /// <summary>Gets the function calls the plan made: its steps, a fan-out step counting as its calls.</summary>
    public int Calls => Rows.Count(r => r.IsElement || !Rows.Any(e => e.IsElement && e.Step == r.Step));

    /// <summary>Builds the rows from the plan's batch report (the last one) and the fan-outs' nested reports (the earlier ones).</summary>
    public static PlanRunView From(string steps, IReadOnlyList<BatchReport> reports, int modelRequests, string answer, IReadOnlyList<string> outbox)
    {
        var batch = reports[^1];
        int[][] data = PlanScenario.DataEdges(steps);
        var rows = new List<PlanRow>();
        for (int i = 0; i < batch.Calls.Count; i++)
        {
            var call = batch.Calls[i];
            int step = i + 1;
            int[] conflicts = [.. call.Predecessors.Select(p => p + 1).Except(data[i]).Order()];
            var start = call.StartedAt ?? call.FinishedAt;
            rows.Add(new PlanRow($"#{step} {call.Name}", start, call.FinishedAt, call.Status.ToString(), data[i], conflicts, step, IsElement: false));

            // A fan-out's calls ran as a nested batch while its step ran: their times are relative to the step's start.
            string prefix = call.CallId + "[";
            foreach (var nested in reports.Take(reports.Count - 1).Where(r => r.Calls.Count > 0 && r.Calls[0].CallId.StartsWith(prefix, StringComparison.Ordinal)))
            {
                foreach (var element in nested.Calls)
                {
                    string argument = string.Join(", ", element.Request.Arguments.Values.Select(v => v?.ToString()));
                    rows.Add(new PlanRow(
                        $"   {element.CallId[call.CallId.Length..]} {element.Name}({argument})",
                        start + (element.StartedAt ?? element.FinishedAt),
                        start + element.FinishedAt,
                        element.Status.ToString(),
                        [],
                        [],
                        step,
                        IsElement: true));
                }
            }
        }

        return new PlanRunView(rows, batch.Makespan, modelRequests, batch.Calls.Count, answer, outbox);
    }
}
