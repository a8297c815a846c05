using System;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace SemanticKernel.ParallelInvocation.Plans;

/// <summary>JSON conversions plan mode needs: any value a function returns, or a host parsed, as a <see cref="JsonElement"/>.</summary>
internal static class PlanJson
{
    public static readonly JsonElement Null = Parse("null");

    public static JsonElement Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    public static JsonElement String(string value) => JsonSerializer.SerializeToElement(value, AIJsonUtilities.DefaultOptions.GetTypeInfo(typeof(string)));

    public static JsonElement Number(double value) => Parse(value.ToString("R", CultureInfo.InvariantCulture));

    public static JsonElement Boolean(bool value) => value ? Parse("true") : Parse("false");

    /// <summary>Converts a value to JSON: a <see cref="JsonElement"/> as is, anything else serialized as Microsoft.Extensions.AI would send it.</summary>
    public static JsonElement ToElement(object? value)
    {
        switch (value)
        {
            case null:
                return Null;
            case JsonElement element:
                return element;
            case JsonDocument document:
                return document.RootElement.Clone();
            case string s:
                return String(s);
        }

        try
        {
            return JsonSerializer.SerializeToElement(value, AIJsonUtilities.DefaultOptions.GetTypeInfo(value.GetType()));
        }
        catch (Exception ex) when (ex is NotSupportedException or InvalidOperationException or JsonException or ArgumentException)
        {
            return String(value.ToString() ?? string.Empty);
        }
    }

    /// <summary>
    /// The value to follow paths into: a string that holds a JSON object or array (a tool that returns JSON text) is parsed; any other
    /// value is itself.
    /// </summary>
    public static JsonElement Structured(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.String)
        {
            return value;
        }

        string text = value.GetString()!;
        var trimmed = text.AsSpan().Trim();
        if (trimmed.Length < 2 || !((trimmed[0] == '{' && trimmed[^1] == '}') || (trimmed[0] == '[' && trimmed[^1] == ']')))
        {
            return value;
        }

        try
        {
            return Parse(text);
        }
        catch (JsonException)
        {
            return value;
        }
    }

    /// <summary>The text of a value inside a longer string: a string's own text, anything else its JSON.</summary>
    public static string TextOf(JsonElement value) => value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText();

    /// <summary>Names a JSON value's kind for an error message: "an object", "a number"...</summary>
    public static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        _ => "null",
    };
}
