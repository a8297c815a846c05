using System.Collections.Generic;

namespace SemanticKernel.ParallelInvocation.Effects;

/// <summary>A function's declaration with its key templates parsed; binds to read and write keys once a call's arguments are known.</summary>
internal sealed class ResolvedEffects
{
    private readonly KeyTemplate[] _reads;
    private readonly KeyTemplate[] _writes;

    public ResolvedEffects(FunctionEffects declaration, EffectsSource source, KeyTemplate[] reads, KeyTemplate[] writes)
    {
        Declaration = declaration;
        Source = source;
        _reads = reads;
        _writes = writes;
    }

    public FunctionEffects Declaration { get; }

    public EffectsSource Source { get; }

    public (ResourceKey[] Reads, ResourceKey[] Writes) Bind(IReadOnlyDictionary<string, object?> arguments, KeyNormalizer normalizer) =>
        (Expand(_reads, arguments, normalizer), Expand(_writes, arguments, normalizer));

    private static ResourceKey[] Expand(KeyTemplate[] templates, IReadOnlyDictionary<string, object?> arguments, KeyNormalizer normalizer)
    {
        if (templates.Length == 0)
        {
            return [];
        }

        var raw = new List<string>();
        foreach (var t in templates)
        {
            t.Expand(arguments, raw);
        }

        var keys = new HashSet<ResourceKey>();
        foreach (string k in raw)
        {
            keys.Add(normalizer.Normalize(k));
        }

        return [.. keys];
    }
}
