using System;
using System.Collections;
using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Linq;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.AI;

namespace SemanticKernel.ParallelInvocation.Effects;

/// <summary>
/// How one argument of one function becomes the values of its key placeholders: bound to the .NET parameter type where the function
/// has a method (<see cref="AIFunction.UnderlyingMethod"/>), read by the function's JSON schema otherwise. A sequence gives one value
/// per element; null or a missing argument gives none (the key is cut before the placeholder).
/// </summary>
internal abstract class ArgumentShape
{
    protected ArgumentShape(string argument, JsonSerializerOptions options, ValueCanonicalizer canonicalizer)
    {
        Argument = argument;
        Options = options;
        Canonicalizer = canonicalizer;
    }

    protected string Argument { get; }

    protected JsonSerializerOptions Options { get; }

    protected ValueCanonicalizer Canonicalizer { get; }

    /// <summary>Finds the shape of <paramref name="argument"/> of <paramref name="function"/>.</summary>
    public static ArgumentShape For(AIFunction function, string argument, ValueCanonicalizer canonicalizer)
    {
        var options = function.JsonSerializerOptions;
        if (function.UnderlyingMethod is { } method && FindParameter(method, argument) is { } parameter)
        {
            return new ClrArgumentShape(parameter.ParameterType, argument, options, canonicalizer);
        }

        var schema = function.JsonSchema;
        JsonElement property = default;
        if (schema.ValueKind == JsonValueKind.Object && schema.TryGetProperty("properties", out var properties)
            && properties.ValueKind == JsonValueKind.Object && properties.TryGetProperty(argument, out var found))
        {
            property = found;
        }

        return new SchemaArgumentShape(property, argument, options, canonicalizer);
    }

    /// <summary>The canonical values, or null when the value is unknown (null, or a null element).</summary>
    /// <exception cref="KeyBindingException">The value cannot be bound, or is nested too deeply.</exception>
    public abstract List<string>? Values(object? raw);

    /// <summary>
    /// The one canonical value of <paramref name="raw"/> when it can be had without binding (a value of the parameter's type that is
    /// no sequence, a JSON string for a string, a JSON integer for an int); false when unsure: <see cref="Values"/> then decides,
    /// errors included.
    /// </summary>
    public virtual bool TrySingle(object? raw, [NotNullWhen(true)] out string? value)
    {
        value = null;
        return false;
    }

    private static ParameterInfo? FindParameter(MethodInfo method, string argument)
    {
        var parameters = method.GetParameters();
#pragma warning disable MEAI001 // AIParameterNameAttribute is experimental; Microsoft.Extensions.AI binds by it when present.
        return parameters.FirstOrDefault(p => (p.GetCustomAttribute<AIParameterNameAttribute>(inherit: true)?.Name ?? p.Name) == argument)
#pragma warning restore MEAI001
            ?? parameters.FirstOrDefault(p => string.Equals(p.Name, argument, StringComparison.Ordinal));
    }

    /// <summary>Whether a bound value is a sequence whose elements each give a key (not a string, a dictionary or a JSON value).</summary>
    protected static bool IsSequence(object value) =>
        value is IEnumerable and not (string or IDictionary)
        && !value.GetType().GetInterfaces().Any(static i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IReadOnlyDictionary<,>));

    /// <summary>Adds the values of a JSON element: one per array element (recursively), else its canonical text; false for a null.</summary>
    protected bool AddJson(JsonElement element, List<string> values, Func<JsonElement, string> scalar, int depth)
    {
        if (depth > KeyBindingException.MaxDepth)
        {
            throw KeyBindingException.TooDeep(Argument);
        }

        switch (element.ValueKind)
        {
            case JsonValueKind.Null or JsonValueKind.Undefined:
                return false;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    if (!AddJson(item, values, scalar, depth + 1))
                    {
                        return false;
                    }
                }

                return true;
            default:
                values.Add(scalar(element));
                return true;
        }
    }
}

/// <summary>An argument bound to its .NET parameter type.</summary>
internal sealed class ClrArgumentShape(Type type, string argument, JsonSerializerOptions options, ValueCanonicalizer canonicalizer)
    : ArgumentShape(argument, options, canonicalizer)
{
    private int _plainInt32; // 0 not known yet, 1 plain, 2 not

    public override bool TrySingle(object? raw, [NotNullWhen(true)] out string? value)
    {
        value = null;
        switch (raw)
        {
            case null:
                return false;
            case JsonElement { ValueKind: JsonValueKind.String } json when type == typeof(string):
                value = json.GetString()!; // as ParameterBinder.Bind binds it
                return true;
            case JsonElement { ValueKind: JsonValueKind.Number } json when type == typeof(int) && PlainInt32() && json.TryGetInt32(out int number):
                value = number.ToString(CultureInfo.InvariantCulture); // what the serializer's own converter reads, spelled as ValueCanonicalizer spells an int
                return true;
        }

        return type.IsInstanceOfType(raw) && TryScalar(raw, out value); // ParameterBinder.Bind keeps such a value as it is
    }

    /// <summary>Whether an <see cref="int"/> argument is read by the serializer's own converter and has no canonicaliser of the user's.</summary>
    private bool PlainInt32()
    {
        if (_plainInt32 != 0)
        {
            return _plainInt32 == 1;
        }

        bool plain;
        try
        {
            plain = ReferenceEquals(Options.GetTypeInfo(typeof(int)).Converter, JsonMetadataServices.Int32Converter) && !Canonicalizer.HasCustom(typeof(int));
        }
        catch (Exception ex) when (ex is NotSupportedException or InvalidOperationException or ArgumentException)
        {
            plain = false; // the general path reports it
        }

        _plainInt32 = plain ? 1 : 2; // a benign race: every thread finds the same
        return plain;
    }

    public override List<string>? Values(object? raw)
    {
        if (raw is null || ParameterBinder.Bind(raw, type, Options, Argument) is not { } bound)
        {
            return null;
        }

        var values = new List<string>();
        return Add(bound, values, 1) ? values : null;
    }

    private bool Add(object? value, List<string> values, int depth)
    {
        if (depth > KeyBindingException.MaxDepth)
        {
            throw KeyBindingException.TooDeep(Argument);
        }

        switch (value)
        {
            case null:
                return false;
            case JsonElement element:
                CanonicalJson.CheckDepth(element, Argument);
                return AddJson(element, values, e => CanonicalJson.Text(e, Argument), depth);
        }

        if (TryScalar(value, out string? text))
        {
            values.Add(text);
            return true;
        }

        foreach (object? item in (IEnumerable)value)
        {
            if (!Add(item, values, depth + 1))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The text of a bound value that gives one key value: a string as it is, a value that is no sequence (or has the user's canonicaliser) canonically.</summary>
    private bool TryScalar(object value, [NotNullWhen(true)] out string? text)
    {
        text = value switch
        {
            string s => s,
            JsonElement => null,
            _ when Canonicalizer.HasCustom(value.GetType()) || !IsSequence(value) => Canonicalizer.Text(value, Options, Argument),
            _ => null,
        };
        return text is not null;
    }
}
