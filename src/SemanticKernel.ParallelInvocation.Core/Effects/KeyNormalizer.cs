using System;
using System.Collections.Generic;
using System.Linq;

namespace SemanticKernel.ParallelInvocation.Effects;

/// <summary>Applies the normaliser of the longest matching prefix to expanded keys.</summary>
internal sealed class KeyNormalizer
{
    private readonly KeyValuePair<string, Func<string, string>>[] _byPrefix;

    public KeyNormalizer(IEnumerable<KeyValuePair<string, Func<string, string>>> normalizers) =>
        _byPrefix = normalizers.OrderByDescending(p => p.Key.Length).ToArray();

    public ResourceKey Normalize(string key)
    {
        foreach (var (prefix, normalize) in _byPrefix)
        {
            if (key.StartsWith(prefix, StringComparison.Ordinal))
            {
                return ResourceKey.Parse(prefix + normalize(key[prefix.Length..]));
            }
        }

        return ResourceKey.Parse(key);
    }
}
