using System;
using System.Globalization;
using System.Text;

namespace SemanticKernel.ParallelInvocation.Plans;

/// <summary>One step of a path into a value: a property name, or an array index (negative counts from the end).</summary>
internal readonly record struct PathSegment(string? Property, int Index)
{
    public override string ToString() => Property is not null ? "." + Property : "[" + Index.ToString(CultureInfo.InvariantCulture) + "]";
}

/// <summary>
/// A reference to an earlier step's output (<c>$2</c>, <c>$2.items[0].id</c>) or, in a <c>for_each</c> step, to the current element
/// (<c>$item</c>, <c>$item.path</c>).
/// </summary>
/// <param name="Step">The step referred to, counting from 1; <see cref="ItemStep"/> for <c>$item</c>.</param>
/// <param name="Path">The path into that step's output; empty for the whole output.</param>
internal sealed record PlanReference(int Step, PathSegment[] Path)
{
    public const int ItemStep = -1;

    public bool IsItem => Step == ItemStep;

    public override string ToString()
    {
        var sb = new StringBuilder(IsItem ? "$item" : "$" + Step.ToString(CultureInfo.InvariantCulture));
        foreach (var segment in Path)
        {
            sb.Append(segment.ToString());
        }

        return sb.ToString();
    }

    /// <summary>
    /// Reads a reference starting at <paramref name="start"/> (a <c>$</c>). Returns <see langword="null"/> when the text there is not a
    /// reference (a literal dollar sign); sets <paramref name="error"/> when it is one with a malformed path.
    /// </summary>
    public static PlanReference? TryRead(string text, int start, out int end, out string? error)
    {
        error = null;
        end = start + 1;
        int i = start + 1;
        int step;
        if (i < text.Length && char.IsAsciiDigit(text[i]))
        {
            int digits = i;
            while (i < text.Length && char.IsAsciiDigit(text[i]))
            {
                i++;
            }

            if (!int.TryParse(text.AsSpan(digits, i - digits), NumberStyles.None, CultureInfo.InvariantCulture, out step))
            {
                step = int.MaxValue;
            }
        }
        else if (string.CompareOrdinal(text, i, "item", 0, 4) == 0 && (i + 4 == text.Length || !IsNameChar(text[i + 4])))
        {
            step = ItemStep;
            i += 4;
        }
        else
        {
            return null;
        }

        var path = new System.Collections.Generic.List<PathSegment>();
        while (i < text.Length)
        {
            if (text[i] == '.' && i + 1 < text.Length && IsNameStart(text[i + 1]))
            {
                int nameStart = ++i;
                while (i < text.Length && IsNameChar(text[i]))
                {
                    i++;
                }

                path.Add(new PathSegment(text[nameStart..i], 0));
            }
            else if (text[i] == '[')
            {
                int close = text.IndexOf(']', i + 1);
                if (close < 0 || !int.TryParse(text.AsSpan(i + 1, close - i - 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int index))
                {
                    error = $"'{text[start..Math.Min(text.Length, close < 0 ? text.Length : close + 1)]}' has a malformed index: write [0] for the first element, [-1] for the last";
                    end = close < 0 ? text.Length : close + 1;
                    return null;
                }

                path.Add(new PathSegment(null, index));
                i = close + 1;
            }
            else
            {
                break;
            }
        }

        end = i;
        return new PlanReference(step, [.. path]);
    }

    private static bool IsNameStart(char c) => char.IsAsciiLetter(c) || c == '_';

    private static bool IsNameChar(char c) => char.IsAsciiLetterOrDigit(c) || c == '_';
}
