using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Numerics;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;

namespace SemanticKernel.ParallelInvocation.Effects;

/// <summary>
/// The canonical text of a bound .NET value: one text per value, whatever spelling it was bound from. Numbers in their canonical
/// spelling (<c>4</c>, <c>4.0</c> and decimal <c>4.00</c> are all <c>4</c>; <c>-0</c> is <c>0</c>), Guids in lower case, instants in UTC,
/// enums by member name, objects as canonical JSON of their contract's properties (sorted by name), dictionaries sorted by key,
/// sets sorted. A type registered in <see cref="ParallelInvocationOptions.KeyCanonicalizers"/> gets the user's text instead.
/// </summary>
internal sealed class ValueCanonicalizer
{
    private readonly Dictionary<Type, Func<object, string>> _custom;

    public ValueCanonicalizer(IEnumerable<KeyValuePair<Type, Func<object, string>>> custom) =>
        _custom = custom.ToDictionary(p => p.Key, p => p.Value);

    public static ValueCanonicalizer Default { get; } = new([]);

    private enum Scalar
    {
        String,
        Number,
        Boolean,
    }

    /// <summary>Whether the user registered a canonicaliser for values of this type.</summary>
    public bool HasCustom(Type type) => _custom.Count > 0 && _custom.ContainsKey(type);

    /// <summary>The canonical text of one value (for a sequence, call it per element).</summary>
    public string Text(object value, JsonSerializerOptions options, string argument)
    {
        if (TryCustom(value, out string? custom))
        {
            return custom;
        }

        if (TryScalar(value, out string? text, out _))
        {
            return text;
        }

        return value is JsonElement element ? CanonicalJson.Text(element, argument) : Json(value, options, argument);
    }

    /// <summary>Canonical JSON of a value; apart from <see cref="Text"/>, whose scalars would otherwise pay for this closure on every call.</summary>
    private string Json(object value, JsonSerializerOptions options, string argument) => CanonicalJson.Write(w => WriteValue(w, value, options, argument, 1));

    private bool TryCustom(object value, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? text)
    {
        text = null;
        if (_custom.Count == 0 || !_custom.TryGetValue(value.GetType(), out var canonicalize))
        {
            return false;
        }

        text = canonicalize(value) ?? throw new InvalidOperationException($"The key canonicaliser for {value.GetType()} returned null.");
        return true;
    }

    private void WriteValue(Utf8JsonWriter writer, object? value, JsonSerializerOptions options, string argument, int depth)
    {
        if (depth > KeyBindingException.MaxDepth)
        {
            throw KeyBindingException.TooDeep(argument);
        }

        if (value is null)
        {
            writer.WriteNullValue();
            return;
        }

        if (TryCustom(value, out string? custom))
        {
            writer.WriteStringValue(custom);
            return;
        }

        if (TryScalar(value, out string? text, out var kind))
        {
            if (kind == Scalar.Number)
            {
                writer.WriteRawValue(text, skipInputValidation: true);
            }
            else if (kind == Scalar.Boolean)
            {
                writer.WriteBooleanValue(text == "true");
            }
            else
            {
                writer.WriteStringValue(text);
            }

            return;
        }

        switch (value)
        {
            case JsonElement element:
                CanonicalJson.CheckDepth(element, argument);
                CanonicalJson.WriteElement(writer, element);
                return;
            case JsonDocument document:
                CanonicalJson.CheckDepth(document.RootElement, argument);
                CanonicalJson.WriteElement(writer, document.RootElement);
                return;
            case JsonNode node:
                WriteSerialized(writer, node, options, argument);
                return;
        }

        JsonTypeInfo info;
        try
        {
            info = options.GetTypeInfo(value.GetType());
        }
        catch (NotSupportedException)
        {
            writer.WriteStringValue(value.ToString());
            return;
        }

        switch (info.Kind)
        {
            case JsonTypeInfoKind.Dictionary when value is IDictionary dictionary:
                var entries = new SortedDictionary<string, object?>(StringComparer.Ordinal);
                foreach (DictionaryEntry entry in dictionary)
                {
                    entries[Text(entry.Key, options, argument)] = entry.Value;
                }

                writer.WriteStartObject();
                foreach (var (name, item) in entries)
                {
                    writer.WritePropertyName(name);
                    WriteValue(writer, item, options, argument, depth + 1);
                }

                writer.WriteEndObject();
                return;
            case JsonTypeInfoKind.Enumerable when value is IEnumerable sequence:
                WriteSequence(writer, sequence, IsSet(value.GetType()), options, argument, depth);
                return;
            case JsonTypeInfoKind.Object:
                writer.WriteStartObject();
                foreach (var property in info.Properties.Where(p => p.Get is not null).OrderBy(p => p.Name, StringComparer.Ordinal))
                {
                    writer.WritePropertyName(property.Name);
                    WriteValue(writer, property.Get!(value), options, argument, depth + 1);
                }

                writer.WriteEndObject();
                return;
            default:
                WriteSerialized(writer, value, options, argument);
                return;
        }
    }

    private void WriteSequence(Utf8JsonWriter writer, IEnumerable sequence, bool sorted, JsonSerializerOptions options, string argument, int depth)
    {
        writer.WriteStartArray();
        if (sorted)
        {
            var items = new List<string>();
            foreach (object? item in sequence)
            {
                items.Add(CanonicalJson.Write(w => WriteValue(w, item, options, argument, depth + 1)));
            }

            items.Sort(StringComparer.Ordinal);
            items.ForEach(item => writer.WriteRawValue(item, skipInputValidation: true));
        }
        else
        {
            foreach (object? item in sequence)
            {
                WriteValue(writer, item, options, argument, depth + 1);
            }
        }

        writer.WriteEndArray();
    }

    /// <summary>Values with their own converter: serialized with the function's options (which bound depth and detect cycles), then made canonical.</summary>
    private static void WriteSerialized(Utf8JsonWriter writer, object value, JsonSerializerOptions options, string argument)
    {
        JsonElement element;
        try
        {
            element = JsonSerializer.SerializeToElement(value, options.GetTypeInfo(value.GetType()));
        }
        catch (Exception ex) when (ex is JsonException or NotSupportedException or InvalidOperationException)
        {
            throw KeyBindingException.NotBindable(argument, "JSON", ex);
        }

        CanonicalJson.CheckDepth(element, argument);
        CanonicalJson.WriteElement(writer, element);
    }

    private static bool IsSet(Type type) =>
        type.GetInterfaces().Any(static i => i.IsGenericType && (i.GetGenericTypeDefinition() == typeof(ISet<>) || i.GetGenericTypeDefinition() == typeof(IReadOnlySet<>)));

    private static bool TryScalar(object value, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? text, out Scalar kind)
    {
        kind = Scalar.String;
        var invariant = CultureInfo.InvariantCulture;
        text = value switch
        {
            string s => s,
            char c => c.ToString(),
            bool b => b ? "true" : "false",
            Enum e => e.ToString(),
            Guid g => g.ToString("D"),
            DateTimeOffset o => o.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", invariant),
            DateTime d => (d.Kind == DateTimeKind.Local ? d.ToUniversalTime() : d).ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff", invariant),
            DateOnly d => d.ToString("yyyy-MM-dd", invariant),
            TimeOnly t => t.ToString("HH:mm:ss.fffffff", invariant),
            TimeSpan t => t.ToString("c", invariant),
            Uri u => u.IsAbsoluteUri ? u.AbsoluteUri : u.OriginalString,
            Version v => v.ToString(),
            _ => null,
        };
        if (text is not null)
        {
            kind = value is bool ? Scalar.Boolean : Scalar.String;
            return true;
        }

        text = value switch
        {
            double d => CanonicalNumber.FromDouble(d),
            float f => CanonicalNumber.FromSingle(f),
            Half h => CanonicalNumber.FromSingle((float)h),
            decimal m => CanonicalNumber.FromDecimal(m),
            sbyte or byte or short or ushort or int or uint or long or ulong or nint or nuint or Int128 or UInt128 or BigInteger => ((IFormattable)value).ToString(null, invariant),
            _ => null,
        };
        kind = Scalar.Number;
        if (text is "NaN" or "Infinity" or "-Infinity")
        {
            kind = Scalar.String;
        }

        return text is not null;
    }
}
