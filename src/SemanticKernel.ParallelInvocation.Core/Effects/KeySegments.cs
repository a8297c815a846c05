using System;
using System.Text;

namespace SemanticKernel.ParallelInvocation.Effects;

/// <summary>
/// Escapes argument values into key segments, so that a value can neither merge with nor escape the prefix it is placed under:
/// <c>%</c> becomes <c>%25</c> and <c>/</c> becomes <c>%2F</c>, the values <c>.</c> and <c>..</c> become <c>%2E</c> and <c>%2E%2E</c>, and
/// the empty value becomes a lone <c>%</c> (which no other value escapes to). Injective: two different values never give one segment.
/// </summary>
internal static class KeySegments
{
    public const string EmptyValue = "%";

    /// <summary>Escapes one value into one segment.</summary>
    public static string Escape(string value)
    {
        switch (value)
        {
            case "":
                return EmptyValue;
            case ".":
                return "%2E";
            case "..":
                return "%2E%2E";
        }

        if (value.AsSpan().IndexOfAny('%', '/') < 0)
        {
            return value;
        }

        var sb = new StringBuilder(value.Length + 8);
        foreach (char c in value)
        {
            _ = c switch
            {
                '%' => sb.Append("%25"),
                '/' => sb.Append("%2F"),
                _ => sb.Append(c),
            };
        }

        return sb.ToString();
    }

    /// <summary>Escapes a hierarchical value (<c>{*name}</c>): each <c>/</c>-separated part becomes one escaped segment; empty parts are dropped.</summary>
    public static string EscapePath(string value)
    {
        var parts = value.Split('/', StringSplitOptions.RemoveEmptyEntries);
        for (int i = 0; i < parts.Length; i++)
        {
            parts[i] = Escape(parts[i]);
        }

        return string.Join('/', parts);
    }
}
