using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace SemanticKernel.ParallelInvocation.Plans;

/// <summary>What a function's JSON schemas say about its parameters and its output, as far as they say anything.</summary>
internal static class PlanSchemas
{
    /// <summary>The parameters named in the function's schema, and the required ones; null when the schema names none (nothing can be checked).</summary>
    public static (HashSet<string> All, string[] Required)? Parameters(AIFunction function)
    {
        var schema = function.JsonSchema;
        if (schema.ValueKind != JsonValueKind.Object || !schema.TryGetProperty("properties", out var properties) || properties.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        var all = properties.EnumerateObject().Select(p => p.Name).ToHashSet(System.StringComparer.Ordinal);
        string[] required = schema.TryGetProperty("required", out var r) && r.ValueKind == JsonValueKind.Array
            ? [.. r.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!)]
            : [];
        return (all, required);
    }

    /// <summary>The schema of one parameter, if the function's schema gives it.</summary>
    public static JsonElement? Parameter(AIFunction function, string name)
    {
        var schema = function.JsonSchema;
        return schema.ValueKind == JsonValueKind.Object
            && schema.TryGetProperty("properties", out var properties) && properties.ValueKind == JsonValueKind.Object
            && properties.TryGetProperty(name, out var parameter) ? parameter : null;
    }

    /// <summary>The JSON types a schema allows (<c>"type"</c> as a string or an array), or an empty set when it does not say.</summary>
    public static HashSet<string> Types(JsonElement? schema)
    {
        var types = new HashSet<string>(System.StringComparer.Ordinal);
        if (schema is not { ValueKind: JsonValueKind.Object } s || !s.TryGetProperty("type", out var type))
        {
            return types;
        }

        if (type.ValueKind == JsonValueKind.String)
        {
            types.Add(type.GetString()!);
        }
        else if (type.ValueKind == JsonValueKind.Array)
        {
            types.UnionWith(type.EnumerateArray().Where(t => t.ValueKind == JsonValueKind.String).Select(t => t.GetString()!));
        }

        return types;
    }

    /// <summary>
    /// Follows <paramref name="path"/> through an output schema. Returns an error for a step that certainly does not exist (a property
    /// the schema does not have, an index into an object); stops checking, with no error, where the schema says nothing, or where the
    /// value is a string (it may hold JSON). <paramref name="end"/> is the schema at the end of the path, when known.
    /// </summary>
    public static string? Follow(JsonElement? schema, IReadOnlyList<PathSegment> path, out JsonElement? end)
    {
        end = schema;
        foreach (var segment in path)
        {
            var types = Types(end);
            if (end is null || types.Count == 0 || types.Contains("string"))
            {
                end = null;
                return null;
            }

            var s = end.Value;
            if (segment.Property is { } name)
            {
                if (!types.Contains("object"))
                {
                    return $"it is {Kind(types)}, which has no property '{name}'";
                }

                if (!s.TryGetProperty("properties", out var properties) || properties.ValueKind != JsonValueKind.Object)
                {
                    end = null;
                    return null;
                }

                var match = properties.EnumerateObject().FirstOrDefault(p => string.Equals(p.Name, name, System.StringComparison.OrdinalIgnoreCase));
                if (match.Value.ValueKind == JsonValueKind.Undefined)
                {
                    bool open = s.TryGetProperty("additionalProperties", out var additional) && additional.ValueKind is JsonValueKind.True or JsonValueKind.Object;
                    if (open)
                    {
                        end = null;
                        return null;
                    }

                    string known = string.Join(", ", properties.EnumerateObject().Select(p => p.Name));
                    return $"it has no property '{name}' (its properties: {(known.Length == 0 ? "none" : known)})";
                }

                end = match.Value;
            }
            else
            {
                if (!types.Contains("array"))
                {
                    return $"it is {Kind(types)}, not an array, so it has no element {segment}";
                }

                end = s.TryGetProperty("items", out var items) ? items : null;
            }
        }

        return null;
    }

    public static string Kind(HashSet<string> types) => types.Count == 0 ? "a value" : string.Join(" or ", types.Select(t => t switch
    {
        "object" => "an object",
        "array" => "an array",
        "integer" => "an integer",
        _ => "a " + t,
    }));
}
