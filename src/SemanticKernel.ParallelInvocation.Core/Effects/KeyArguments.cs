using System;
using System.Collections.Generic;

namespace SemanticKernel.ParallelInvocation.Effects;

/// <summary>One call's arguments as key values, computed once per argument name from the function's <see cref="ArgumentShape"/>s.</summary>
internal sealed class KeyArguments(IReadOnlyDictionary<string, object?> arguments, IReadOnlyDictionary<string, ArgumentShape> shapes, Func<object?, IReadOnlyList<string>?>? valuesOverride)
{
    // Most templates name one argument: the first one needs no dictionary.
    private string? _firstName;
    private IReadOnlyList<string>? _firstValues;
    private Dictionary<string, IReadOnlyList<string>?>? _more;

    /// <summary>Gets a value indicating whether values go into keys verbatim (the test seam <see cref="EffectsResolver.ValuesOverride"/>).</summary>
    public bool Verbatim => valuesOverride is not null;

    /// <summary>The canonical values of an argument, or null when unknown (missing or null).</summary>
    /// <exception cref="KeyBindingException">The value cannot be bound, or is nested too deeply.</exception>
    public IReadOnlyList<string>? Values(string name)
    {
        if (_firstName == name)
        {
            return _firstValues;
        }

        if (_more is not null && _more.TryGetValue(name, out var cached))
        {
            return cached;
        }

        IReadOnlyList<string>? values = null;
        if (arguments.TryGetValue(name, out object? raw))
        {
            values = valuesOverride is not null ? valuesOverride(raw) : shapes[name].Values(raw);
        }

        if (_firstName is null)
        {
            (_firstName, _firstValues) = (name, values);
        }
        else
        {
            (_more ??= new(StringComparer.Ordinal))[name] = values;
        }

        return values;
    }
}
