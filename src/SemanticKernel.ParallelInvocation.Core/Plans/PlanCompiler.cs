using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace SemanticKernel.ParallelInvocation.Plans;

/// <summary>Parses and validates a plan call before anything runs; a rejected plan gets one error result listing every problem.</summary>
internal static class PlanCompiler
{
    /// <summary>Compiles the plan; returns <see langword="null"/> and the error result for the model when it is rejected.</summary>
    /// <param name="arguments">The plan call's arguments.</param>
    /// <param name="lookup">Finds a tool by the name a step gives.</param>
    /// <param name="functionNames">The names of the functions a step may call (listed to the model when a step names another).</param>
    /// <param name="options">The plan tool's options.</param>
    /// <param name="maxCalls">The most calls the batch may take for the plan's steps.</param>
    /// <param name="rejection">The error result, when the plan is rejected.</param>
    public static List<PlanStep>? Compile(IReadOnlyDictionary<string, object?> arguments, Func<string, AITool?> lookup, IEnumerable<string> functionNames, PlanToolOptions options, int maxCalls, out string? rejection)
    {
        var errors = new List<string>();
        List<PlanStep> steps;
        int declared;
        try
        {
            steps = PlanParser.Parse(arguments, errors);
            declared = CountSteps(arguments, steps);
            steps = PlanValidator.Validate(steps, declared, lookup, functionNames, options, errors);
        }
        catch (JsonException ex)
        {
            errors.Add("the plan is not valid JSON: " + ex.Message);
            steps = [];
            declared = 0;
        }

        if (errors.Count == 0 && declared > maxCalls)
        {
            errors.Add($"the plan's {declared} steps and the other calls of this turn exceed the {maxCalls} calls a turn may run; send fewer steps");
        }

        if (errors.Count == 0)
        {
            rejection = null;
            return steps;
        }

        var listed = errors.Distinct(StringComparer.Ordinal).Select((e, i) => $"({i + 1}) {e}.");
        rejection = $"Error: the plan was rejected and none of its steps ran. {string.Join(" ", listed)} Fix {(errors.Count == 1 ? "this" : "these")} and call {options.Name} again.";
        return null;
    }

    /// <summary>The number of steps the model sent, including those too malformed to parse (so step numbers stay positional).</summary>
    private static int CountSteps(IReadOnlyDictionary<string, object?> arguments, List<PlanStep> parsed)
    {
        if (arguments.TryGetValue(PlanParser.StepsProperty, out object? raw) && PlanJson.Structured(PlanJson.ToElement(raw)) is { ValueKind: JsonValueKind.Array } array)
        {
            return array.GetArrayLength();
        }

        return parsed.Count;
    }
}
