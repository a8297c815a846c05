using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.Extensions.AI;

namespace SemanticKernel.ParallelInvocation.Plans;

/// <summary>
/// Plan calls in one turn of the chat-client middleware: each is expanded, at its own position, into its steps, planned and run in
/// the same batch as the turn's other calls; after the batch, the steps' outcomes collapse into the plan call's one result.
/// </summary>
internal sealed class TurnPlans
{
    private readonly Slot[] _slots;

    private TurnPlans(Slot[] slots) => _slots = slots;

    private static bool AnyPlan(IReadOnlyList<ToolCallRequest> requests)
    {
        for (int i = 0; i < requests.Count; i++)
        {
            if (PlanOf(requests[i]) is not null)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Expands the plan calls among <paramref name="requests"/>. Returns the requests unchanged, and <paramref name="plans"/> null, when
    /// there are none. A plan that is rejected, refused approval or unparsable takes no part in the batch and is answered directly.
    /// </summary>
    public static IReadOnlyList<ToolCallRequest> Expand(IReadOnlyList<ToolCallRequest> requests, IReadOnlyDictionary<string, AITool> tools, ParallelToolExecutor executor, out TurnPlans? plans)
    {
        plans = null;
        return AnyPlan(requests) ? ExpandPlans(requests, tools, executor, out plans) : requests;
    }

    // Apart from Expand, so that a turn without plans does not allocate the closure over the tools.
    private static List<ToolCallRequest> ExpandPlans(IReadOnlyList<ToolCallRequest> requests, IReadOnlyDictionary<string, AITool> tools, ParallelToolExecutor executor, out TurnPlans plans)
    {
        var expanded = new List<ToolCallRequest>(requests.Count);
        var slots = new Slot[requests.Count];
        for (int i = 0; i < requests.Count; i++)
        {
            var request = requests[i];
            if (PlanOf(request) is not { } tool)
            {
                slots[i] = new Slot(expanded.Count, 1, null, null, null, null);
                expanded.Add(request);
                continue;
            }

            if (Refusal(request) is { } refusal)
            {
                slots[i] = new Slot(0, 0, null, null, Answer(request, refusal), null);
                continue;
            }

            int room = executor.Options.MaxBatchSize - expanded.Count - (requests.Count - i - 1);
            var steps = tool.Functions is { } bound
                ? PlanCompiler.Compile(request.Arguments, name => bound.GetValueOrDefault(name), bound.Keys, tool.Options, room, out string? rejection)
                : PlanCompiler.Compile(request.Arguments, name => tools.GetValueOrDefault(name), tools.Where(t => t.Value is AIFunction).Select(t => t.Key), tool.Options, room, out rejection);
            if (steps is null)
            {
                slots[i] = new Slot(0, 0, null, null, Answer(request, rejection!), null);
                continue;
            }

            var run = new PlanRun(request.CallId, steps);
            slots[i] = new Slot(expanded.Count, steps.Count, run, tool, null, PlanTelemetry.Start(tool.Name, request.CallId, steps.Count));
            expanded.AddRange(new PlanStepInvoker(run, executor, tool.Options, invoker: null).Requests(expanded.Count, request.Services, request.State));
        }

        plans = new TurnPlans(slots);
        return expanded;
    }

    /// <summary>One result per call of the turn, in emitted order: a plan call's result holds each of its steps' outcomes.</summary>
    public List<AIContent> ToResultContents(BatchReport report)
    {
        var contents = new List<AIContent>(_slots.Length);
        foreach (var slot in _slots)
        {
            if (slot.Answer is { } answer)
            {
                contents.Add(answer);
            }
            else if (slot.Run is { } run)
            {
                var steps = report.Calls.Skip(slot.Start).Take(slot.Count).ToList();
                string text = PlanResultWriter.Write(run, steps, i => Describe(report.Calls[i]), slot.Start, slot.Tool!.Options.MaxResultLength);
                PlanTelemetry.Stop(slot.Span, steps.Any(static s => s.Status != ToolCallStatus.Succeeded));
                contents.Add(new FunctionResultContent(run.CallId, text));
            }
            else
            {
                contents.Add(report.Calls[slot.Start].ToResultContent());
            }
        }

        return contents;
    }

    private static PlanToolFunction? PlanOf(ToolCallRequest request) => request.Function?.GetService(typeof(PlanToolFunction)) as PlanToolFunction;

    private static string? Refusal(ToolCallRequest request)
    {
        if (request.CallId.Length == 0)
        {
            return $"Error: the call to '{request.Name}' has no call id, so its result could not be matched to it; none of the plan's steps ran. Give every call its own id.";
        }

        if (request.ApprovedByCaller is false)
        {
            return string.IsNullOrWhiteSpace(request.ApprovalReason)
                ? $"Error: the call to '{request.Name}' was not approved and did not run."
                : $"Error: the call to '{request.Name}' was not approved and did not run. Reason given: {request.ApprovalReason.Trim()}";
        }

        return request.ArgumentsError is null
            ? null
            : $"Error: the arguments for '{request.Name}' could not be parsed; none of the plan's steps ran. Send a JSON object {{\"steps\": [...]}}.";
    }

    private static FunctionResultContent Answer(ToolCallRequest request, string error) =>
        new(request.CallId, error) { Exception = request.ArgumentsError ?? new InvalidOperationException(error) };

    private static string Describe(ToolCallOutcome call) =>
        $"call '{call.Name}'{(call.CallId.Length > 0 ? $" (id {call.CallId})" : string.Empty)}, which {PlanResultWriter.Verb(call.Status)}";

    /// <summary>Where one call of the turn went: <see cref="Count"/> calls of the batch from <see cref="Start"/>, or a direct answer.</summary>
    private sealed record Slot(int Start, int Count, PlanRun? Run, PlanToolFunction? Tool, FunctionResultContent? Answer, System.Diagnostics.Activity? Span);
}
