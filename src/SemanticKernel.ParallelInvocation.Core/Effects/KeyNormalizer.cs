using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;

namespace SemanticKernel.ParallelInvocation.Effects;

/// <summary>
/// Turns expanded keys into <see cref="ResourceKey"/>s, applying the normaliser of the longest matching prefix. A path normaliser
/// (<see cref="ResourceKeyNormalizers.FilePath"/>) gets the argument values as paths, verbatim; any other normaliser, and a key with
/// none, gets them escaped, one segment each (<see cref="KeySegments"/>).
/// </summary>
internal sealed class KeyNormalizer
{
    private readonly (string Prefix, Func<string, string> Normalize, FilePathNormalizer? Path)[] _byPrefix;

    public KeyNormalizer(IEnumerable<KeyValuePair<string, Func<string, string>>> normalizers) =>
        _byPrefix = normalizers
            .OrderByDescending(p => p.Key.Length)
            .Select(p => (p.Key, p.Value, p.Value.Target as FilePathNormalizer))
            .ToArray();

    /// <summary>Whether a normaliser's prefix may match a key that starts with <paramref name="text"/> and goes on with any value.</summary>
    public bool MayApplyAfter(string text)
    {
        foreach (var (prefix, _, _) in _byPrefix)
        {
            if (prefix.Length <= text.Length ? text.StartsWith(prefix, StringComparison.Ordinal) : prefix.StartsWith(text, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Normalises a key given as text (no argument values in it).</summary>
    public ResourceKey Normalize(string key) => Normalize([new KeyPart(key)]);

    public ResourceKey Normalize(IReadOnlyList<KeyPart> parts)
    {
        if (parts.Count > 0 && parts[^1].IsCut)
        {
            return NormalizeCut(parts);
        }

        string escaped = Join(parts, static p => p.Escaped);
        foreach (var (prefix, normalize, path) in _byPrefix)
        {
            if (!escaped.StartsWith(prefix, StringComparison.Ordinal))
            {
                continue;
            }

            if (path is null)
            {
                return ResourceKey.Parse(prefix + normalize(escaped[prefix.Length..]));
            }

            if (parts[0] is { IsValue: false } first && first.Text.Length >= prefix.Length)
            {
                var rest = new KeyPart[parts.Count];
                rest[0] = first with { Text = first.Text[prefix.Length..] };
                for (int i = 1; i < parts.Count; i++)
                {
                    rest[i] = parts[i];
                }

                return ResourceKey.Parse(prefix + path.Normalize(rest));
            }

            // The prefix reaches into a value: the whole rest of the key is one path.
            string verbatim = Join(parts, static p => p.Text);
            return verbatim.StartsWith(prefix, StringComparison.Ordinal)
                ? ResourceKey.Parse(prefix + path.Normalize(verbatim[prefix.Length..]))
                : ResourceKey.Parse(prefix);
        }

        return ResourceKey.Parse(escaped);
    }

    /// <summary>
    /// A key cut before an unknown value: the ancestor of every key the template could give. Under a path normaliser that is the prefix
    /// itself (a path may be absolute or climb with <c>..</c>, and the normaliser always yields <c>prefix/…</c>); under another
    /// normaliser, the complete segments of its prefix (it may rewrite everything after); with none, the complete segments before the cut
    /// (the text after the last <c>/</c> would have continued with the value).
    /// </summary>
    private ResourceKey NormalizeCut(IReadOnlyList<KeyPart> parts)
    {
        string escaped = Join(parts, static p => p.Escaped);
        foreach (var (prefix, _, path) in _byPrefix)
        {
            if (escaped.StartsWith(prefix, StringComparison.Ordinal) || prefix.StartsWith(escaped, StringComparison.Ordinal))
            {
                return path is not null && escaped.Length >= prefix.Length ? ResourceKey.Parse(prefix) : CompleteSegments(escaped.Length < prefix.Length ? escaped : prefix);
            }
        }

        return CompleteSegments(escaped);
    }

    private static ResourceKey CompleteSegments(string text)
    {
        int slash = text.LastIndexOf('/');
        return slash < 0 ? ResourceKey.Root : ResourceKey.Parse(text[..slash]);
    }

    private static string Join(IReadOnlyList<KeyPart> parts, Func<KeyPart, string> text)
    {
        switch (parts.Count)
        {
            case 1:
                return text(parts[0]);
            case 3:
                return string.Concat(text(parts[0]), text(parts[1]), text(parts[2]));
        }

        var sb = new StringBuilder();
        foreach (var part in parts)
        {
            sb.Append(text(part));
        }

        return sb.ToString();
    }
}
