using System;
using System.Collections.Generic;

namespace SemanticKernel.ParallelInvocation.Effects;

/// <summary>
/// A hierarchical resource key: segments separated by <c>/</c>. The empty key (no segments) is the root and stands for everything.
/// </summary>
/// <remarks>Empty segments are dropped, so <c>orders//42/</c> and <c>orders/42</c> are the same key.</remarks>
internal readonly struct ResourceKey : IEquatable<ResourceKey>
{
    private static readonly string[] NoSegments = [];

    private readonly string[]? _segments;

    private ResourceKey(string[] segments) => _segments = segments;

    public static ResourceKey Root => new(NoSegments);

    public string[] Segments => _segments ?? NoSegments;

    public bool IsRoot => Segments.Length == 0;

    public static ResourceKey Parse(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return key.Length == 0 ? Root : new ResourceKey(key.Split('/', StringSplitOptions.RemoveEmptyEntries));
    }

    /// <summary>A key made of <paramref name="segments"/>, which must be non-empty and free of <c>/</c> (as <see cref="Parse"/> would split them); not copied.</summary>
    internal static ResourceKey FromSegments(string[] segments) => new(segments);

    /// <summary>Whether one key is an ancestor-or-equal of the other, comparing whole segments.</summary>
    public bool Overlaps(ResourceKey other)
    {
        string[] a = Segments, b = other.Segments;
        int n = Math.Min(a.Length, b.Length);
        for (int i = 0; i < n; i++)
        {
            if (!string.Equals(a[i], b[i], StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    public bool Equals(ResourceKey other) => Segments.AsSpan().SequenceEqual(other.Segments);

    public override bool Equals(object? obj) => obj is ResourceKey other && Equals(other);

    public override int GetHashCode()
    {
        var hash = default(HashCode);
        foreach (string s in Segments)
        {
            hash.Add(s, StringComparer.Ordinal);
        }

        return hash.ToHashCode();
    }

    public override string ToString() => IsRoot ? "*" : string.Join('/', Segments);

    internal static IEnumerable<string> Describe(IEnumerable<ResourceKey> keys)
    {
        foreach (var k in keys)
        {
            yield return k.ToString();
        }
    }
}
