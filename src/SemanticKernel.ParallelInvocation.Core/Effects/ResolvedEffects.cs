using System;
using System.Collections.Generic;

namespace SemanticKernel.ParallelInvocation.Effects;

/// <summary>A function's declaration with its key templates parsed; binds to read and write keys once a call's arguments are known.</summary>
internal sealed class ResolvedEffects
{
    private readonly KeyTemplate[] _reads;
    private readonly KeyTemplate[] _writes;
    private readonly IReadOnlyDictionary<string, ArgumentShape> _shapes;

    public ResolvedEffects(FunctionEffects declaration, EffectsSource source, KeyTemplate[] reads, KeyTemplate[] writes, IReadOnlyDictionary<string, ArgumentShape>? shapes = null)
    {
        Declaration = declaration;
        Source = source;
        _reads = reads;
        _writes = writes;
        _shapes = shapes ?? new Dictionary<string, ArgumentShape>();
    }

    public FunctionEffects Declaration { get; }

    public EffectsSource Source { get; }

    /// <summary>Gets a test seam: when set, placeholder values come from it and go into keys verbatim (see <see cref="EffectsResolver.ValuesOverride"/>).</summary>
    internal Func<object?, IReadOnlyList<string>?>? ValuesOverride { get; init; }

    /// <summary>Binds the templates to a call's arguments.</summary>
    /// <exception cref="KeyBindingException">An argument named by a template cannot be bound to its parameter's type, or is nested too deeply.</exception>
    public (ResourceKey[] Reads, ResourceKey[] Writes) Bind(IReadOnlyDictionary<string, object?> arguments, KeyNormalizer normalizer)
    {
        var values = new KeyArguments(arguments, _shapes, ValuesOverride);
        return (Expand(_reads, values, normalizer), Expand(_writes, values, normalizer));
    }

    private static ResourceKey[] Expand(KeyTemplate[] templates, KeyArguments arguments, KeyNormalizer normalizer)
    {
        if (templates.Length == 0)
        {
            return [];
        }

        var expanded = new List<KeyPart[]>();
        foreach (var t in templates)
        {
            t.Expand(arguments, expanded);
        }

        var keys = new HashSet<ResourceKey>();
        foreach (var parts in expanded)
        {
            keys.Add(normalizer.Normalize(parts));
        }

        return [.. keys];
    }
}
