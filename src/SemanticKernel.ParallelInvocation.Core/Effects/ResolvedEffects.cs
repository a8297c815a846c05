using System;
using System.Collections.Generic;
using System.Threading;

namespace SemanticKernel.ParallelInvocation.Effects;

/// <summary>A function's declaration with its key templates parsed; binds to read and write keys once a call's arguments are known.</summary>
internal sealed class ResolvedEffects
{
    private readonly KeyTemplate[] _reads;
    private readonly KeyTemplate[] _writes;
    private readonly IReadOnlyDictionary<string, ArgumentShape> _shapes;
    private readonly bool _constant;
    private ConstantKeys? _constantKeys;

    public ResolvedEffects(FunctionEffects declaration, EffectsSource source, KeyTemplate[] reads, KeyTemplate[] writes, IReadOnlyDictionary<string, ArgumentShape>? shapes = null)
    {
        Declaration = declaration;
        Source = source;
        _reads = reads;
        _writes = writes;
        _shapes = shapes ?? new Dictionary<string, ArgumentShape>();
        _constant = IsConstant(reads) && IsConstant(writes);
    }

    public FunctionEffects Declaration { get; }

    public EffectsSource Source { get; }

    /// <summary>Gets a test seam: when set, placeholder values come from it and go into keys verbatim (see <see cref="EffectsResolver.ValuesOverride"/>).</summary>
    internal Func<object?, IReadOnlyList<string>?>? ValuesOverride { get; init; }

    /// <summary>Binds the templates to a call's arguments.</summary>
    /// <exception cref="KeyBindingException">An argument named by a template cannot be bound to its parameter's type, or is nested too deeply.</exception>
    /// <remarks>
    /// Templates without placeholders (<see cref="FunctionEffects.ReadOnly"/>, a fixed key) bind to the same keys for every call: they
    /// are expanded once per normaliser and the same arrays are returned, which nobody changes.
    /// </remarks>
    public (ResourceKey[] Reads, ResourceKey[] Writes) Bind(IReadOnlyDictionary<string, object?> arguments, KeyNormalizer normalizer)
    {
        if (_constant)
        {
            if (Volatile.Read(ref _constantKeys) is { } cached && ReferenceEquals(cached.Normalizer, normalizer))
            {
                return (cached.Reads, cached.Writes);
            }

            var none = new KeyArguments(arguments, _shapes, ValuesOverride);
            var keys = new ConstantKeys(normalizer, Expand(_reads, none, normalizer), Expand(_writes, none, normalizer));
            Volatile.Write(ref _constantKeys, keys); // a benign race: every thread computes the same keys
            return (keys.Reads, keys.Writes);
        }

        KeyArguments? values = null;
        return (Expand(_reads, arguments, ref values, normalizer), Expand(_writes, arguments, ref values, normalizer));
    }

    private static bool IsConstant(KeyTemplate[] templates)
    {
        foreach (var t in templates)
        {
            if (t.ArgumentNames.Count > 0)
            {
                return false;
            }
        }

        return true;
    }

    private ResourceKey[] Expand(KeyTemplate[] templates, IReadOnlyDictionary<string, object?> arguments, ref KeyArguments? values, KeyNormalizer normalizer)
    {
        if (templates.Length == 0)
        {
            return [];
        }

        if (templates.Length == 1 && TryOneSegment(templates[0], arguments, normalizer, out var key))
        {
            return [key];
        }

        return Expand(templates, values ??= new KeyArguments(arguments, _shapes, ValuesOverride), normalizer);
    }

    /// <summary>
    /// The common case, one template whose one placeholder is a whole segment (<c>items/{id}</c>) and an argument with one plain value:
    /// the key straight from the value, with no parts, lists or joined text. False when unsure: the general path then decides.
    /// </summary>
    private bool TryOneSegment(KeyTemplate template, IReadOnlyDictionary<string, object?> arguments, KeyNormalizer normalizer, out ResourceKey key)
    {
        key = default;
        return ValuesOverride is null
            && template.SegmentArgument is { } name
            && arguments.TryGetValue(name, out object? raw)
            && _shapes.TryGetValue(name, out var shape)
            && shape.TrySingle(raw, out string? value)
            && template.TryKey(value, normalizer, out key);
    }

    private static ResourceKey[] Expand(KeyTemplate[] templates, KeyArguments arguments, KeyNormalizer normalizer)
    {
        var expanded = new List<KeyPart[]>();
        foreach (var t in templates)
        {
            t.Expand(arguments, expanded);
        }

        if (expanded.Count == 1)
        {
            return [normalizer.Normalize(expanded[0])]; // one key: nothing to deduplicate
        }

        var keys = new HashSet<ResourceKey>();
        foreach (var parts in expanded)
        {
            keys.Add(normalizer.Normalize(parts));
        }

        return [.. keys];
    }

    private sealed record ConstantKeys(KeyNormalizer Normalizer, ResourceKey[] Reads, ResourceKey[] Writes);
}
