using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace SemanticKernel.ParallelInvocation.Plans;

/// <summary>
/// Checks a parsed plan before anything runs: every function exists and can run in a plan, every reference names an earlier step and
/// a path its output can have, no step needs its own or a later result (cycles are named), and the plan keeps its limits. Pure.
/// </summary>
internal static class PlanValidator
{
    private const int FunctionsListed = 24;

    /// <summary>Resolves each step's function and adds every problem found to <paramref name="errors"/>; returns the steps, resolved.</summary>
    public static List<PlanStep> Validate(List<PlanStep> steps, int declaredSteps, Func<string, AITool?> lookup, IEnumerable<string> functionNames, PlanToolOptions options, List<string> errors)
    {
        if (declaredSteps > options.MaxSteps)
        {
            errors.Add($"the plan has {declaredSteps} steps; at most {options.MaxSteps} are allowed. Split it: plan the first part, then plan the rest with its results");
        }

        var resolved = new List<PlanStep>(steps.Count);
        var byNumber = new Dictionary<int, PlanStep>();
        foreach (var step in steps)
        {
            var function = Resolve(step, lookup, functionNames, options, errors);
            var withFunction = function is null ? step : step with { Function = function };
            byNumber[step.Number] = withFunction;
            if (function is not null)
            {
                resolved.Add(withFunction);
            }
        }

        CheckReferences(steps, declaredSteps, errors);
        foreach (var step in resolved)
        {
            CheckPaths(step, byNumber, errors);
            CheckArguments(step, errors);
        }

        return resolved;
    }

    private static AIFunction? Resolve(PlanStep step, Func<string, AITool?> lookup, IEnumerable<string> functionNames, PlanToolOptions options, List<string> errors)
    {
        string where = $"step {step.Number}";
        var tool = lookup(step.FunctionName);
        if (tool is null)
        {
            var names = functionNames.Where(n => n != options.Name).Order(StringComparer.Ordinal).ToList();
            string listed = names.Count == 0 ? "none" : string.Join(", ", names.Take(FunctionsListed)) + (names.Count > FunctionsListed ? ", ..." : string.Empty);
            errors.Add($"{where}: there is no function named '{step.FunctionName}' (functions you can use: {listed})");
            return null;
        }

        if (tool.GetService(typeof(PlanToolFunction)) is not null || step.FunctionName == options.Name)
        {
            errors.Add($"{where}: a plan cannot call '{step.FunctionName}' itself; put the steps in this plan");
            return null;
        }

        if (tool is not AIFunction function)
        {
            errors.Add($"{where}: '{step.FunctionName}' is answered by the application, not run here, so it cannot be a plan step; call it on its own");
            return null;
        }

        return function;
    }

    private static void CheckReferences(List<PlanStep> steps, int declaredSteps, List<string> errors)
    {
        var later = new List<(int From, int To)>();
        foreach (var step in steps)
        {
            string where = $"step {step.Number}";
            foreach (var reference in step.References.Distinct())
            {
                if (reference.IsItem)
                {
                    if (step.ForEach is null)
                    {
                        errors.Add($"{where}: {reference} is the current element of a \"for_each\" step, and this step has no \"for_each\"");
                    }
                }
                else if (reference.Step < 1 || reference.Step > declaredSteps)
                {
                    errors.Add($"{where}: {reference} refers to step {reference.Step}, and the plan has steps 1 to {declaredSteps}");
                }
                else if (reference.Step == step.Number)
                {
                    errors.Add($"{where}: {reference} refers to this step's own result; a step can use only the results of earlier steps");
                }
                else if (reference.Step > step.Number)
                {
                    later.Add((step.Number, reference.Step));
                }
            }
        }

        if (later.Count == 0)
        {
            return;
        }

        // References to later steps: those on a cycle can never run; the others only need the steps reordered.
        var edges = steps.ToDictionary(s => s.Number, s => s.Producers.Where(p => p != s.Number && p >= 1 && p <= declaredSteps).ToArray());
        var cycles = Cycles(edges);
        foreach (var cycle in cycles)
        {
            errors.Add($"steps {string.Join(", ", cycle)} form a cycle: each needs the result of another, so none could ever run. Break the cycle");
        }

        var onCycle = cycles.SelectMany(c => c).ToHashSet();
        foreach (var (from, to) in later.Where(e => !onCycle.Contains(e.From) || !onCycle.Contains(e.To)))
        {
            errors.Add($"step {from} uses ${to}, the result of a later step; a step can use only the results of steps before it. Put step {to} before step {from}");
        }
    }

    /// <summary>The strongly connected components of more than one step (Tarjan's algorithm), each in ascending order.</summary>
    private static List<int[]> Cycles(Dictionary<int, int[]> edges)
    {
        int counter = 0;
        var index = new Dictionary<int, int>();
        var low = new Dictionary<int, int>();
        var stack = new Stack<int>();
        var onStack = new HashSet<int>();
        var result = new List<int[]>();
        foreach (int v in edges.Keys.Order())
        {
            if (!index.ContainsKey(v))
            {
                Connect(v);
            }
        }

        return result;

        void Connect(int v)
        {
            index[v] = low[v] = counter++;
            stack.Push(v);
            onStack.Add(v);
            foreach (int w in edges.GetValueOrDefault(v) ?? [])
            {
                if (!edges.ContainsKey(w))
                {
                    continue;
                }

                if (!index.ContainsKey(w))
                {
                    Connect(w);
                    low[v] = Math.Min(low[v], low[w]);
                }
                else if (onStack.Contains(w))
                {
                    low[v] = Math.Min(low[v], index[w]);
                }
            }

            if (low[v] == index[v])
            {
                var component = new List<int>();
                int w;
                do
                {
                    w = stack.Pop();
                    onStack.Remove(w);
                    component.Add(w);
                }
                while (w != v);
                if (component.Count > 1)
                {
                    result.Add([.. component.Order()]);
                }
            }
        }
    }

    private static void CheckPaths(PlanStep step, Dictionary<int, PlanStep> byNumber, List<string> errors)
    {
        string where = $"step {step.Number}";
        foreach (var reference in step.References.Distinct())
        {
            if (reference.IsItem || reference.Step >= step.Number || !byNumber.TryGetValue(reference.Step, out var producer) || producer.Function is null)
            {
                continue;
            }

            string? error = FollowOutput(producer, reference.Path, out var end);
            if (error is not null)
            {
                errors.Add($"{where}: {reference} cannot be found in the result of step {producer.Number} ('{producer.FunctionName}'): {error}");
            }
            else if (ReferenceEquals(reference, step.ForEach) && PlanSchemas.Types(end) is { Count: > 0 } types && !types.Contains("array") && !types.Contains("string"))
            {
                errors.Add($"{where}: \"for_each\" needs an array, and {reference} is {PlanSchemas.Kind(types)}");
            }
        }
    }

    /// <summary>Follows a path through a step's output schema: a fan-out step's output is the array of its calls' results.</summary>
    private static string? FollowOutput(PlanStep producer, PathSegment[] path, out JsonElement? end)
    {
        var returns = producer.Function.ReturnJsonSchema;
        if (producer.ForEach is null)
        {
            return PlanSchemas.Follow(returns, path, out end);
        }

        end = null;
        if (path.Length == 0)
        {
            return null; // the array itself
        }

        if (path[0].Property is { } name)
        {
            return $"step {producer.Number} calls '{producer.FunctionName}' once per element, so its result is an array (one result per call), which has no property '{name}'; use [0] for the first call's result";
        }

        return PlanSchemas.Follow(returns, path[1..], out end);
    }

    private static void CheckArguments(PlanStep step, List<string> errors)
    {
        if (PlanSchemas.Parameters(step.Function) is not { } parameters)
        {
            return;
        }

        var (all, required) = parameters;

        string where = $"step {step.Number}";
        string known = all.Count == 0 ? "it takes no arguments" : "its parameters: " + string.Join(", ", all.Order(StringComparer.Ordinal));
        foreach (var (name, _) in step.Arguments)
        {
            if (!all.Contains(name))
            {
                errors.Add($"{where}: '{step.FunctionName}' has no parameter '{name}' ({known})");
            }
        }

        foreach (string name in required.Where(r => !step.Arguments.Any(a => a.Key == r)))
        {
            errors.Add($"{where}: '{step.FunctionName}' needs the argument '{name}'");
        }
    }
}
