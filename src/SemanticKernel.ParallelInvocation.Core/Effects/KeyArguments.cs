using System;
using System.Collections.Generic;

namespace SemanticKernel.ParallelInvocation.Effects;

/// <summary>One call's arguments as key values, computed once per argument name from the function's <see cref="ArgumentShape"/>s.</summary>
internal sealed class KeyArguments(IReadOnlyDictionary<string, object?> arguments, IReadOnlyDictionary<string, ArgumentShape> shapes, Func<object?, IReadOnlyList<string>?>? valuesOverride)
{
    private readonly Dictionary<string, IReadOnlyList<string>?> _values = new(StringComparer.Ordinal);

    /// <summary>Gets a value indicating whether values go into keys verbatim (the test seam <see cref="EffectsResolver.ValuesOverride"/>).</summary>
    public bool Verbatim => valuesOverride is not null;

    /// <summary>The canonical values of an argument, or null when unknown (missing or null).</summary>
    /// <exception cref="KeyBindingException">The value cannot be bound, or is nested too deeply.</exception>
    public IReadOnlyList<string>? Values(string name)
    {
        if (_values.TryGetValue(name, out var cached))
        {
            return cached;
        }

        IReadOnlyList<string>? values = null;
        if (arguments.TryGetValue(name, out object? raw))
        {
            values = valuesOverride is not null ? valuesOverride(raw) : shapes[name].Values(raw);
        }

        _values[name] = values;
        return values;
    }
}
