using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Text.Json;

namespace SemanticKernel.ParallelInvocation.Plans;

/// <summary>Reads the plan tool's arguments into steps, collecting every syntax problem (pure; no function is looked up here).</summary>
internal static class PlanParser
{
    public const string StepsProperty = "steps";
    public const string FunctionProperty = "function";
    public const string ArgumentsProperty = "arguments";
    public const string ForEachProperty = "for_each";
    public const string IdProperty = "id";

    public static List<PlanStep> Parse(IReadOnlyDictionary<string, object?> arguments, List<string> errors)
    {
        var steps = new List<PlanStep>();
        if (!arguments.TryGetValue(StepsProperty, out object? raw) || raw is null)
        {
            errors.Add($"the plan has no \"{StepsProperty}\": send {{\"{StepsProperty}\": [{{\"{FunctionProperty}\": \"name\", \"{ArgumentsProperty}\": {{...}}}}, ...]}}");
            return steps;
        }

        var array = PlanJson.Structured(PlanJson.ToElement(raw)); // some models send the array as a JSON string
        if (array.ValueKind != JsonValueKind.Array)
        {
            errors.Add($"\"{StepsProperty}\" must be an array of steps, not {PlanJson.Describe(array.ValueKind)}");
            return steps;
        }

        int number = 0;
        foreach (var element in array.EnumerateArray())
        {
            number++;
            var step = ParseStep(element, number, errors);
            if (step is not null)
            {
                steps.Add(step);
            }
        }

        if (number == 0)
        {
            errors.Add("the plan has no steps");
        }

        return steps;
    }

    private static PlanStep? ParseStep(JsonElement element, int number, List<string> errors)
    {
        string where = $"step {number}";
        if (element.ValueKind != JsonValueKind.Object)
        {
            errors.Add($"{where} must be an object with \"{FunctionProperty}\" and \"{ArgumentsProperty}\", not {PlanJson.Describe(element.ValueKind)}");
            return null;
        }

        string? function = null;
        var arguments = new List<KeyValuePair<string, PlanArgument>>();
        PlanReference? forEach = null;
        bool ok = true;
        foreach (var property in element.EnumerateObject())
        {
            switch (property.Name)
            {
                case FunctionProperty when property.Value.ValueKind == JsonValueKind.String && property.Value.GetString() is { Length: > 0 } name:
                    function = name;
                    break;
                case FunctionProperty:
                    errors.Add($"{where}: \"{FunctionProperty}\" must be the name of a function");
                    ok = false;
                    break;
                case ArgumentsProperty:
                    var args = PlanJson.Structured(property.Value);
                    if (args.ValueKind == JsonValueKind.Null)
                    {
                        break;
                    }

                    if (args.ValueKind != JsonValueKind.Object)
                    {
                        errors.Add($"{where}: \"{ArgumentsProperty}\" must be an object of argument names and values, not {PlanJson.Describe(args.ValueKind)}");
                        ok = false;
                        break;
                    }

                    foreach (var argument in args.EnumerateObject())
                    {
                        arguments.Add(new(argument.Name, ParseValue(argument.Value, $"{where}, argument '{argument.Name}'", errors, ref ok)));
                    }

                    break;
                case ForEachProperty:
                    forEach = ParseForEach(property.Value, where, errors, ref ok);
                    break;
                case IdProperty:
                    if (!property.Value.TryGetInt32(out int id) || id != number)
                    {
                        errors.Add($"{where} has \"{IdProperty}\": {property.Value.GetRawText()}; steps are numbered by position (1, 2, 3, ...), so omit \"{IdProperty}\" or make it {number}");
                        ok = false;
                    }

                    break;
                default:
                    errors.Add($"{where}: unknown field \"{property.Name}\" (a step has \"{FunctionProperty}\", \"{ArgumentsProperty}\" and, to call once per element of an array, \"{ForEachProperty}\")");
                    ok = false;
                    break;
            }
        }

        if (function is null)
        {
            if (ok)
            {
                errors.Add($"{where} has no \"{FunctionProperty}\": name the function it calls");
            }

            return null;
        }

        return ok ? new PlanStep(number, function, [.. arguments], forEach) : null;
    }

    private static PlanReference? ParseForEach(JsonElement value, string where, List<string> errors, ref bool ok)
    {
        if (value.ValueKind == JsonValueKind.String)
        {
            string text = value.GetString()!;
            int end = 0;
            string? error = null;
            var reference = text.StartsWith('$') ? PlanReference.TryRead(text, 0, out end, out error) : null;
            if (reference is { IsItem: false } && end == text.Length)
            {
                return reference;
            }

            if (error is not null)
            {
                errors.Add($"{where}, \"{ForEachProperty}\": {error}");
                ok = false;
                return null;
            }
        }

        errors.Add($"{where}: \"{ForEachProperty}\" must be a reference to an earlier step's array, such as \"$1\" or \"$1.items\"");
        ok = false;
        return null;
    }

    private static PlanArgument ParseValue(JsonElement value, string where, List<string> errors, ref bool ok)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                return ParseString(value, where, errors, ref ok);
            case JsonValueKind.Object:
                var properties = new List<KeyValuePair<string, PlanArgument>>();
                foreach (var p in value.EnumerateObject())
                {
                    properties.Add(new(p.Name, ParseValue(p.Value, where, errors, ref ok)));
                }

                return properties.All(p => p.Value is PlanArgument.Literal) ? new PlanArgument.Literal(value) : new PlanArgument.Object([.. properties]);
            case JsonValueKind.Array:
                var items = new List<PlanArgument>();
                foreach (var item in value.EnumerateArray())
                {
                    items.Add(ParseValue(item, where, errors, ref ok));
                }

                return items.All(i => i is PlanArgument.Literal) ? new PlanArgument.Literal(value) : new PlanArgument.Array([.. items]);
            default:
                return new PlanArgument.Literal(value);
        }
    }

    /// <summary>Splits a string into literal text and references; <c>$$</c> is a literal dollar sign.</summary>
    private static PlanArgument ParseString(JsonElement value, string where, List<string> errors, ref bool ok)
    {
        string text = value.GetString()!;
        if (!text.Contains('$', StringComparison.Ordinal))
        {
            return new PlanArgument.Literal(value);
        }

        var parts = new List<string>();
        var references = new List<PlanReference>();
        var current = new StringBuilder();
        bool escaped = false;
        for (int i = 0; i < text.Length;)
        {
            if (text[i] != '$')
            {
                current.Append(text[i++]);
                continue;
            }

            if (i + 1 < text.Length && text[i + 1] == '$')
            {
                current.Append('$');
                escaped = true;
                i += 2;
                continue;
            }

            var reference = PlanReference.TryRead(text, i, out int end, out string? error);
            if (error is not null)
            {
                errors.Add($"{where}: {error}");
                ok = false;
            }

            if (reference is null)
            {
                current.Append(text, i, end - i);
                i = end;
                continue;
            }

            parts.Add(current.ToString());
            current.Clear();
            references.Add(reference);
            i = end;
        }

        parts.Add(current.ToString());
        if (references.Count == 0)
        {
            return new PlanArgument.Literal(escaped ? PlanJson.String(parts[0]) : value);
        }

        return references.Count == 1 && parts[0].Length == 0 && parts[1].Length == 0
            ? new PlanArgument.Whole(references[0])
            : new PlanArgument.Text([.. parts], [.. references]);
    }
}
