using System;
using System.ComponentModel;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;

namespace SemanticKernel.ParallelInvocation.Effects;

/// <summary>
/// Binds an argument to its .NET parameter type as the function's own binder would: Microsoft.Extensions.AI's
/// <c>AIFunctionFactory</c> (a value of the type as it is; JSON deserialized with the function's <see cref="JsonSerializerOptions"/>;
/// a string parsed as JSON, then as a quoted JSON string) and, failing that, Semantic Kernel's method functions (a string converted by
/// the type's <see cref="TypeConverter"/>, in the invariant culture). Two spellings of one value give one bound value.
/// </summary>
internal static class ParameterBinder
{
    /// <summary>Binds <paramref name="raw"/> (not null) to <paramref name="type"/>, or throws <see cref="KeyBindingException"/>.</summary>
    public static object? Bind(object raw, Type type, JsonSerializerOptions options, string argument)
    {
        if (type.IsInstanceOfType(raw))
        {
            return raw;
        }

        if (type == typeof(string) && raw is JsonElement { ValueKind: JsonValueKind.String } json)
        {
            return json.GetString(); // what the serializer's string converter reads
        }

        return Convert(raw, type, options, argument);
    }

    /// <summary>A value not of the type: deserialized or converted (apart from <see cref="Bind"/>, whose early answers would otherwise pay for these closures).</summary>
    private static object? Convert(object raw, Type type, JsonSerializerOptions options, string argument)
    {
        JsonTypeInfo info;
        try
        {
            info = options.GetTypeInfo(type);
        }
        catch (Exception ex) when (ex is NotSupportedException or InvalidOperationException or ArgumentException)
        {
            throw KeyBindingException.NotBindable(argument, Describe(type), ex);
        }

        Exception? failure = null;
        switch (raw)
        {
            case JsonElement element:
                CanonicalJson.CheckDepth(element, argument);
                if (TryDeserialize(() => element.Deserialize(info), ref failure, out object? fromElement))
                {
                    return fromElement;
                }

                if (element.ValueKind == JsonValueKind.String && TryConvert(element.GetString()!, type, ref failure, out object? converted))
                {
                    return converted;
                }

                break;
            case JsonDocument document:
                return Bind(document.RootElement, type, options, argument);
            case JsonNode node:
                if (TryDeserialize(() => JsonSerializer.SerializeToElement(node, options.GetTypeInfo(typeof(JsonNode))), ref failure, out object? element2))
                {
                    return Bind(element2!, type, options, argument);
                }

                break;
            case string text:
                if (LooksLikeJson(text) && TryDeserialize(() => JsonSerializer.Deserialize(text, info), ref failure, out object? parsed))
                {
                    return parsed;
                }

                if (TryDeserialize(() => JsonSerializer.Deserialize(JsonSerializer.Serialize(text, options.GetTypeInfo(typeof(string))), info), ref failure, out object? quoted))
                {
                    return quoted;
                }

                if (TryConvert(text, type, ref failure, out object? fromText))
                {
                    return fromText;
                }

                break;
            default:
                if (TryDeserialize(() => JsonSerializer.SerializeToElement(raw, options.GetTypeInfo(raw.GetType())).Deserialize(info), ref failure, out object? roundTripped))
                {
                    return roundTripped;
                }

                break;
        }

        throw KeyBindingException.NotBindable(argument, Describe(type), failure);
    }

    private static bool TryDeserialize(Func<object?> deserialize, ref Exception? failure, out object? value)
    {
        try
        {
            value = deserialize();
            return true;
        }
        catch (Exception ex) when (ex is JsonException or NotSupportedException or InvalidOperationException or FormatException or OverflowException or ArgumentException)
        {
            failure ??= ex;
            value = null;
            return false;
        }
    }

    private static bool TryConvert(string text, Type type, ref Exception? failure, out object? value)
    {
        value = null;
        Type target = Nullable.GetUnderlyingType(type) ?? type;
        TypeConverter converter = TypeDescriptor.GetConverter(target);
        if (!converter.CanConvertFrom(typeof(string)))
        {
            return false;
        }

        try
        {
            value = converter.ConvertFrom(null, CultureInfo.InvariantCulture, text);
            return value is not null && target.IsInstanceOfType(value);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            failure ??= ex;
            return false;
        }
    }

    private static bool LooksLikeJson(string text)
    {
        var trimmed = text.AsSpan().TrimStart();
        return !trimmed.IsEmpty && (trimmed[0] is '{' or '[' or '"' or '-' || char.IsAsciiDigit(trimmed[0])
            || trimmed.StartsWith("true", StringComparison.Ordinal) || trimmed.StartsWith("false", StringComparison.Ordinal) || trimmed.StartsWith("null", StringComparison.Ordinal));
    }

    private static string Describe(Type type) =>
        Nullable.GetUnderlyingType(type) is { } inner ? inner.Name + "?" : type.IsEnum ? $"{type.Name} (one of {string.Join(", ", Enum.GetNames(type))})" : type.Name;
}
