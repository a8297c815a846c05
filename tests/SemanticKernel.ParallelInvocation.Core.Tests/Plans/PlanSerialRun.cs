using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using System.Threading.Tasks;
using SemanticKernel.ParallelInvocation.Tests.SerialEquivalence;

namespace SemanticKernel.ParallelInvocation.Tests.Plans;

/// <summary>What a plan run produced: each step's status and result, and the store's final contents.</summary>
public sealed record PlanRunResult(IReadOnlyList<(string Status, JsonElement? Result)> Steps, string FinalState)
{
    public bool SameAs(PlanRunResult other) =>
        FinalState == other.FinalState
        && Steps.Count == other.Steps.Count
        && Steps.Zip(other.Steps).All(p => p.First.Status == p.Second.Status
            && (p.First.Result is null ? p.Second.Result is null : p.Second.Result is { } r && JsonElement.DeepEquals(p.First.Result.Value, r)));

    public override string ToString() =>
        string.Join(" | ", Steps.Select((s, i) => $"{i + 1}. {s.Status} {s.Result?.GetRawText()}")) + $" || store: {FinalState}";
}

/// <summary>
/// The reference: the plan's steps run one at a time in the given order (a topological order, as references point only backwards),
/// each reference filled in from the actual result it names, a fan-out's calls one after another. The failure policy applies by its
/// definition, over the keys each step is planned with: the exact key where it is literal, the whole space where it comes from a
/// reference (known only at run time); inside a fan-out, each call's exact keys. Written independently of the engine.
/// </summary>
public static class PlanSerialRun
{
    public static async Task<PlanRunResult> RunAsync(GeneratedPlan plan)
    {
        var store = new KeyedStore();
        var outputs = new JsonElement?[plan.Steps.Length + 1];
        var statuses = new string[plan.Steps.Length + 1];
        var results = new List<(string, JsonElement?)>();
        var failedWrites = new List<string[]>();
        bool skipPolicy = plan.Policy == FailurePolicy.SkipAfterFailedWrite;
        for (int n = 1; n <= plan.Steps.Length; n++)
        {
            var step = plan.Steps[n - 1];
            var (reads, writes) = PlannedKeys(step, item: null);
            bool skip = step.Producers.Any(p => statuses[p] != "succeeded")
                || (skipPolicy && failedWrites.Any(w => w.Any(wk => reads.Concat(writes).Any(k => SerialRun.Overlap(wk, k)))));
            if (skip)
            {
                statuses[n] = "skipped";
                results.Add(("skipped", null));
                failedWrites.Add(writes);
                continue;
            }

            if (step.ForEach == 0)
            {
                try
                {
                    outputs[n] = await PlanStore.RunAsync(step.Function, Arguments(step, outputs, null), store);
                    statuses[n] = "succeeded";
                }
                catch (InvalidOperationException)
                {
                    statuses[n] = "failed";
                    failedWrites.Add(writes);
                }

                results.Add((statuses[n], outputs[n]));
                continue;
            }

            // A fan-out: its calls one after another, with the failure policy among them on their exact keys.
            var elementResults = new List<JsonElement?>();
            var elementFailed = new List<string[]>();
            foreach (var item in outputs[step.ForEach]!.Value.EnumerateArray())
            {
                var (r, w) = PlannedKeys(step, item);
                if (skipPolicy && elementFailed.Any(f => f.Any(fk => r.Concat(w).Any(k => SerialRun.Overlap(fk, k)))))
                {
                    elementResults.Add(null);
                    elementFailed.Add(w);
                    continue;
                }

                try
                {
                    elementResults.Add(await PlanStore.RunAsync(step.Function, Arguments(step, outputs, item), store));
                }
                catch (InvalidOperationException)
                {
                    elementResults.Add(null);
                    elementFailed.Add(w);
                }
            }

            var array = JsonSerializer.SerializeToElement(elementResults);
            statuses[n] = elementResults.All(r => r is not null) ? "succeeded" : "failed";
            outputs[n] = statuses[n] == "succeeded" ? array : null;
            if (statuses[n] == "failed")
            {
                failedWrites.Add(writes);
            }

            results.Add((statuses[n], array));
        }

        return new PlanRunResult(results, store.Snapshot(string.Empty));
    }

    /// <summary>The keys a step (or, with an item, one call of a fan-out) is planned with: a key known only at run time stands for its whole space.</summary>
    private static (string[] Reads, string[] Writes) PlannedKeys(GenStep step, JsonElement? item)
    {
        // A {key} argument is one segment of the declared "{space}/{key}", whatever it holds: "x/p" names its own key, not one under "x".
        string Key(GenArg arg) => arg.IsReference && !(arg.Step == GenArg.Item && item is not null) ? step.Space : $"{step.Space}/{Text(arg, item).Replace("/", "%2F", StringComparison.Ordinal)}";
        return step.Function switch
        {
            "read" => ([Key(step.Key!)], []),
            "write" or "incr" => ([], [Key(step.Key!)]),
            "copy" => ([Key(step.From!)], [Key(step.Key!)]),
            "list" => ([step.Space], []),
            _ => throw new InvalidOperationException(step.Function),
        };
    }

    private static string Text(GenArg arg, JsonElement? item) => arg.Literal ?? item!.Value.GetProperty(arg.Field).GetString()!;

    private static Dictionary<string, JsonElement> Arguments(GenStep step, JsonElement?[] outputs, JsonElement? item)
    {
        JsonElement Value(GenArg arg) => arg.IsReference
            ? (arg.Step == GenArg.Item ? item!.Value : outputs[arg.Step]!.Value).GetProperty(arg.Field)
            : JsonSerializer.SerializeToElement(arg.Literal);
        var args = new Dictionary<string, JsonElement>(StringComparer.Ordinal)
        {
            ["space"] = JsonSerializer.SerializeToElement(step.Space),
            ["spin"] = JsonSerializer.SerializeToElement(step.Spin),
            ["fail"] = JsonSerializer.SerializeToElement(step.Fail),
        };
        if (step.Key is not null)
        {
            args["key"] = Value(step.Key);
        }

        if (step.From is not null)
        {
            args["from"] = Value(step.From);
        }

        if (step.Value is not null)
        {
            args["value"] = step.Value.IsReference ? Value(step.Value) : JsonSerializer.SerializeToElement(int.Parse(step.Value.Literal!, System.Globalization.CultureInfo.InvariantCulture));
        }

        return args;
    }
}
