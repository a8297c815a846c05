using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace SemanticKernel.ParallelInvocation.Effects;

/// <summary>
/// An argument read by the function's JSON schema (functions without a .NET method, e.g. MCP tools, whose server binds the JSON).
/// Where spellings could bind to one value they give one key, which can only add ordering: numbers (<c>type: number/integer</c>,
/// also written as strings) in their canonical spelling, booleans, <c>format: uuid</c> in lower case, <c>format: date-time</c> as the
/// UTC instant, strings matching one <c>enum</c> member case-insensitively as that member, objects as canonical JSON (sorted
/// properties; names compared as spelled, as JSON schema validators do). Other strings are used as they are.
/// </summary>
internal sealed class SchemaArgumentShape(JsonElement schema, string argument, JsonSerializerOptions options, ValueCanonicalizer canonicalizer)
    : ArgumentShape(argument, options, canonicalizer)
{
    public override List<string>? Values(object? raw)
    {
        JsonElement element;
        switch (raw)
        {
            case null:
                return null;
            case JsonElement e:
                element = e;
                break;
            case JsonDocument d:
                element = d.RootElement;
                break;
            case string s:
                return [FromString(s, schema)];
            case IEnumerable sequence when IsSequence(raw):
                var items = Items(schema);
                var fromSequence = new List<string>();
                foreach (object? item in sequence)
                {
                    if (item is null || new SchemaArgumentShape(items, Argument, Options, Canonicalizer).Values(item) is not { } inner)
                    {
                        return null;
                    }

                    fromSequence.AddRange(inner);
                }

                return fromSequence;
            default:
                try
                {
                    element = raw is JsonNode node
                        ? JsonSerializer.SerializeToElement(node, Options.GetTypeInfo(typeof(JsonNode)))
                        : JsonSerializer.SerializeToElement(raw, Options.GetTypeInfo(raw.GetType()));
                }
                catch (Exception ex) when (ex is JsonException or NotSupportedException or InvalidOperationException)
                {
                    throw KeyBindingException.NotBindable(Argument, "JSON", ex);
                }

                break;
        }

        CanonicalJson.CheckDepth(element, Argument);
        var values = new List<string>();
        var itemSchema = element.ValueKind == JsonValueKind.Array ? Items(schema) : schema;
        return AddJson(element, values, e => Scalar(e, itemSchema), 1) ? values : null;
    }

    private static JsonElement Items(JsonElement schema) =>
        schema.ValueKind == JsonValueKind.Object && schema.TryGetProperty("items", out var items) ? items : default;

    private static string? Property(JsonElement schema, string name)
    {
        if (schema.ValueKind != JsonValueKind.Object || !schema.TryGetProperty(name, out var value))
        {
            return null;
        }

        if (value.ValueKind == JsonValueKind.String)
        {
            return value.GetString();
        }

        // "type": ["string", "null"]: the one type that is not null.
        var types = value.ValueKind == JsonValueKind.Array
            ? value.EnumerateArray().Where(t => t.ValueKind == JsonValueKind.String && t.GetString() != "null").ToList()
            : [];
        return types.Count == 1 ? types[0].GetString() : null;
    }

    private string Scalar(JsonElement element, JsonElement schema) => element.ValueKind switch
    {
        JsonValueKind.String => FromString(element.GetString()!, schema),
        _ => CanonicalJson.Text(element, Argument),
    };

    private string FromString(string text, JsonElement schema)
    {
        if (schema.ValueKind == JsonValueKind.Object && schema.TryGetProperty("enum", out var members) && members.ValueKind == JsonValueKind.Array)
        {
            var names = members.EnumerateArray().Where(m => m.ValueKind == JsonValueKind.String).Select(m => m.GetString()!).ToList();
            if (!names.Contains(text, StringComparer.Ordinal))
            {
                var matches = names.Where(n => string.Equals(n, text, StringComparison.OrdinalIgnoreCase)).ToList();
                return matches.Count == 1 ? matches[0] : text;
            }

            return text;
        }

        var invariant = CultureInfo.InvariantCulture;
        switch (Property(schema, "type"))
        {
            case "number" or "integer":
                return CanonicalNumber.TryNormalize(text) ?? text;
            case "boolean":
                return bool.TryParse(text, out bool b) ? (b ? "true" : "false") : text;
        }

        return Property(schema, "format") switch
        {
            "uuid" or "guid" when Guid.TryParse(text, out var guid) => guid.ToString("D"),
            "date-time" when DateTimeOffset.TryParse(text, invariant, DateTimeStyles.AssumeUniversal, out var instant) => Canonicalizer.Text(instant, Options, Argument),
            "date" when DateOnly.TryParse(text, invariant, out var date) => Canonicalizer.Text(date, Options, Argument),
            _ => text,
        };
    }
}
