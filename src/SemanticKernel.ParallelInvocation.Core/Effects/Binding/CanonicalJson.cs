using System;
using System.Buffers;
using System.Collections.Generic;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace SemanticKernel.ParallelInvocation.Effects;

/// <summary>
/// Canonical JSON: properties sorted by name (ordinal; the last of duplicate names wins, as parsers bind them), numbers in their
/// canonical spelling (<see cref="CanonicalNumber"/>), no whitespace. Property order, whitespace and number spelling no longer matter.
/// </summary>
internal static class CanonicalJson
{
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, MaxDepth = KeyBindingException.MaxDepth + 2 };

    /// <summary>Writes a value with a writer, returning the text.</summary>
    public static string Write(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            write(writer);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>The canonical text of an element: a string's own text, a number's canonical spelling, or canonical JSON for the rest.</summary>
    public static string Text(JsonElement element, string argument)
    {
        CheckDepth(element, argument);
        return element.ValueKind switch
        {
            JsonValueKind.String => element.GetString()!,
            JsonValueKind.Number => Number(element),
            JsonValueKind.True => "true",
            JsonValueKind.False => "false",
            JsonValueKind.Null => "null",
            _ => Write(w => WriteElement(w, element)),
        };
    }

    public static string Number(JsonElement element) => CanonicalNumber.TryNormalize(element.GetRawText()) ?? element.GetRawText();

    /// <summary>Writes the element canonically; call <see cref="CheckDepth"/> first.</summary>
    public static void WriteElement(Utf8JsonWriter writer, JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                var properties = new SortedDictionary<string, JsonElement>(StringComparer.Ordinal);
                foreach (var property in element.EnumerateObject())
                {
                    properties[property.Name] = property.Value;
                }

                writer.WriteStartObject();
                foreach (var (name, value) in properties)
                {
                    writer.WritePropertyName(name);
                    WriteElement(writer, value);
                }

                writer.WriteEndObject();
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in element.EnumerateArray())
                {
                    WriteElement(writer, item);
                }

                writer.WriteEndArray();
                break;
            case JsonValueKind.Number:
                writer.WriteRawValue(Number(element), skipInputValidation: true);
                break;
            case JsonValueKind.String:
                writer.WriteStringValue(element.GetString()); // one escaping for every spelling ("A" and "\u0041")
                break;
            case JsonValueKind.True or JsonValueKind.False:
                writer.WriteBooleanValue(element.GetBoolean());
                break;
            default:
                writer.WriteNullValue();
                break;
        }
    }

    /// <summary>Throws <see cref="KeyBindingException"/> if arrays and objects nest deeper than <see cref="KeyBindingException.MaxDepth"/>; never recurses.</summary>
    public static void CheckDepth(JsonElement element, string argument)
    {
        if (element.ValueKind is not (JsonValueKind.Object or JsonValueKind.Array))
        {
            return;
        }

        var pending = new Stack<(JsonElement Element, int Depth)>();
        pending.Push((element, 1));
        while (pending.Count > 0)
        {
            var (current, depth) = pending.Pop();
            if (depth > KeyBindingException.MaxDepth)
            {
                throw KeyBindingException.TooDeep(argument);
            }

            if (current.ValueKind == JsonValueKind.Array)
            {
                foreach (var item in current.EnumerateArray())
                {
                    if (item.ValueKind is JsonValueKind.Object or JsonValueKind.Array)
                    {
                        pending.Push((item, depth + 1));
                    }
                }
            }
            else
            {
                foreach (var property in current.EnumerateObject())
                {
                    if (property.Value.ValueKind is JsonValueKind.Object or JsonValueKind.Array)
                    {
                        pending.Push((property.Value, depth + 1));
                    }
                }
            }
        }
    }
}
