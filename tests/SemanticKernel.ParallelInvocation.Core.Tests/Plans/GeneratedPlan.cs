using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using FsCheck;
using FsCheck.Fluent;

namespace SemanticKernel.ParallelInvocation.Tests.Plans;

/// <summary>An argument of a generated step: a literal, a field of an earlier step's result (<c>$j.field</c>), or of the element (<c>$item.field</c>).</summary>
public sealed record GenArg(string? Literal, int Step, string Field)
{
    public const int Item = -1;

    public bool IsReference => Literal is null;

    public string Text => Literal ?? (Step == Item ? $"$item.{Field}" : $"${Step}.{Field}");
}

/// <summary>One generated step of a plan over <see cref="PlanStore"/>.</summary>
public sealed record GenStep(string Function, string Space, GenArg? Key, GenArg? From, GenArg? Value, int ForEach, int Spin, string Fail)
{
    public IEnumerable<int> Producers =>
        new[] { Key, From, Value }.Where(a => a is { IsReference: true, Step: > 0 }).Select(a => a!.Step).Append(ForEach).Where(p => p > 0).Distinct();

    public override string ToString()
    {
        var args = new List<string> { Space };
        args.AddRange(new[] { Key, From, Value }.Where(a => a is not null).Select(a => a!.Text));
        string fan = ForEach > 0 ? $" for ${ForEach}" : string.Empty;
        string fail = Fail == "none" ? string.Empty : $" fails {Fail}";
        return $"{Function}({string.Join(", ", args)}){fan} spin {Spin}{fail}";
    }
}

/// <summary>A generated plan with the settings to run it under.</summary>
public sealed record GeneratedPlan(GenStep[] Steps, int MaxDegreeOfParallelism, FailurePolicy Policy)
{
    public override string ToString() => $"dop {MaxDegreeOfParallelism}, {Policy}: " + string.Join(" | ", Steps.Select((s, i) => $"{i + 1}. {s}"));

    public string ToJson()
    {
        var steps = Steps.Select(s =>
        {
            var args = new List<string> { $"\"space\":\"{s.Space}\"", $"\"spin\":{s.Spin}", $"\"fail\":\"{s.Fail}\"" };
            if (s.Key is not null)
            {
                args.Add($"\"key\":\"{s.Key.Text}\"");
            }

            if (s.From is not null)
            {
                args.Add($"\"from\":\"{s.From.Text}\"");
            }

            if (s.Value is not null)
            {
                args.Add(s.Value.IsReference ? $"\"value\":\"{s.Value.Text}\"" : $"\"value\":{s.Value.Literal}");
            }

            string fan = s.ForEach > 0 ? $",\"for_each\":\"${s.ForEach}\"" : string.Empty;
            return $"{{\"function\":\"{s.Function}\"{fan},\"arguments\":{{{string.Join(",", args)}}}}}";
        });
        return "[" + string.Join(",", steps) + "]";
    }

    public static Arbitrary<GeneratedPlan> Arbitrary(bool withFailures, FailurePolicy? policy = null)
    {
        var choice = Gen.Choose(0, 1000);
        var raw = Gen.ArrayOf(choice, 9);
        var plan =
            from n in Gen.Choose(1, 8)
            from steps in Gen.ArrayOf(raw, n)
            from dop in Gen.Elements(ParallelInvocationOptions.Unbounded, ParallelInvocationOptions.Unbounded, 1, 2, 3)
            from p in policy is { } fixedPolicy ? Gen.Constant(fixedPolicy) : Gen.Elements(FailurePolicy.SkipAfterFailedWrite, FailurePolicy.RunAll)
            select Build(steps, dop, p, withFailures);
        return plan.ToArbitrary();
    }

    /// <summary>Turns random choices into a valid plan: references only to earlier steps, fan-outs only over lists.</summary>
    private static GeneratedPlan Build(int[][] choices, int dop, FailurePolicy policy, bool withFailures)
    {
        var steps = new List<GenStep>();
        foreach (int[] c in choices)
        {
            string function = (c[0] % 14) switch
            {
                < 4 => "read",
                < 7 => "write",
                < 10 => "incr",
                < 12 => "list",
                _ => "copy",
            };
            string space = c[1] % 2 == 0 ? "a" : "b";
            var entries = steps.Select((s, i) => (s, i + 1)).Where(t => t.s.Function != "list" && t.s.ForEach == 0).Select(t => t.Item2).ToList();
            var lists = steps.Select((s, i) => (s, i + 1)).Where(t => t.s.Function == "list").Select(t => t.Item2).ToList();
            int forEach = function != "list" && lists.Count > 0 && c[2] % 3 == 0 ? lists[c[3] % lists.Count] : 0;

            GenArg KeyArg(int mode, int pick)
            {
                string field = pick % 2 == 0 ? "key" : "link";
                if (forEach > 0 && mode % 3 != 0)
                {
                    return new GenArg(null, GenArg.Item, field);
                }

                if (forEach == 0 && mode % 2 == 1 && entries.Count > 0)
                {
                    return new GenArg(null, entries[pick % entries.Count], field);
                }

                return new GenArg(PlanStore.Keys[pick % PlanStore.Keys.Length], 0, string.Empty);
            }

            var key = function == "list" ? null : KeyArg(c[4], c[5]);
            var from = function == "copy" ? KeyArg(c[6], c[5] / 7) : null;
            GenArg? value = null;
            if (function == "write")
            {
                value = c[7] % 2 == 1 && entries.Count > 0
                    ? new GenArg(null, entries[c[7] % entries.Count], "value")
                    : new GenArg((1 + (c[7] % 9)).ToString(CultureInfo.InvariantCulture), 0, string.Empty);
            }

            string fail = !withFailures ? "none" : (c[8] % 10) switch { 0 => "before", 1 => "after", _ => "none" };
            steps.Add(new GenStep(function, space, key, from, value, forEach, c[8] % 7, fail));
        }

        return new GeneratedPlan([.. steps], dop, policy);
    }
}
