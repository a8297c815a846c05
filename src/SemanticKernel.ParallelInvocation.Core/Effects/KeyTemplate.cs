using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace SemanticKernel.ParallelInvocation.Effects;

/// <summary>
/// A parsed key template such as <c>orders/{orderId}/lines/{lineIds}</c>. Expanding it over a call's arguments gives one key per
/// combination of values (an array argument gives one value per element).
/// </summary>
/// <remarks>
/// Conservative by construction: a placeholder whose argument is missing or null, or an expansion past
/// <see cref="MaxKeysPerTemplate"/> keys, cuts the key before that placeholder, which overlaps every key the call could have meant.
/// </remarks>
internal sealed class KeyTemplate
{
    internal const int MaxKeysPerTemplate = 256;

    private readonly string[] _literals;       // n + 1 literal parts around n placeholders
    private readonly string[] _placeholders;   // argument names

    private KeyTemplate(string text, string[] literals, string[] placeholders)
    {
        Text = text;
        _literals = literals;
        _placeholders = placeholders;
    }

    public string Text { get; }

    public IReadOnlyList<string> ArgumentNames => _placeholders;

    /// <summary>Parses a template, adding a message to <paramref name="errors"/> for each syntax problem.</summary>
    public static KeyTemplate? TryParse(string text, List<string> errors, string owner)
    {
        var literals = new List<string>();
        var names = new List<string>();
        var current = new StringBuilder();
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (c == '}')
            {
                errors.Add($"{owner}: key template '{text}' has '}}' without a matching '{{'.");
                return null;
            }

            if (c != '{')
            {
                current.Append(c);
                continue;
            }

            int close = text.IndexOf('}', i + 1);
            int nextOpen = text.IndexOf('{', i + 1);
            if (close < 0 || (nextOpen >= 0 && nextOpen < close))
            {
                errors.Add($"{owner}: key template '{text}' has '{{' without a matching '}}'.");
                return null;
            }

            string name = text.Substring(i + 1, close - i - 1).Trim();
            if (name.Length == 0)
            {
                errors.Add($"{owner}: key template '{text}' has an empty placeholder '{{}}'.");
                return null;
            }

            literals.Add(current.ToString());
            current.Clear();
            names.Add(name);
            i = close;
        }

        literals.Add(current.ToString());
        return new KeyTemplate(text, [.. literals], [.. names]);
    }

    /// <summary>Expands the template over the arguments, adding each key (before normalisation) to <paramref name="keys"/>.</summary>
    public void Expand(IReadOnlyDictionary<string, object?> arguments, List<string> keys)
    {
        if (_placeholders.Length == 0)
        {
            keys.Add(_literals[0]);
            return;
        }

        var partials = new List<string> { _literals[0] };
        for (int p = 0; p < _placeholders.Length; p++)
        {
            List<string>? values = arguments.TryGetValue(_placeholders[p], out object? raw) ? Values(raw) : null;
            if (values is null || (long)partials.Count * values.Count > MaxKeysPerTemplate)
            {
                // Unknown value or too many combinations: stop at the literal prefix, an ancestor of every possible key.
                keys.AddRange(partials);
                return;
            }

            var next = new List<string>(partials.Count * values.Count);
            foreach (string prefix in partials)
            {
                foreach (string v in values)
                {
                    next.Add(prefix + v + _literals[p + 1]);
                }
            }

            partials = next;
        }

        keys.AddRange(partials);
    }

    /// <summary>The scalar values of an argument: one for a scalar, one per element for an array; null when unknown.</summary>
    private static List<string>? Values(object? raw)
    {
        switch (raw)
        {
            case null:
                return null;
            case string s:
                return [s];
            case JsonElement e:
                return JsonValues(e);
            case IEnumerable sequence when raw is not IDictionary:
                var list = new List<string>();
                foreach (object? item in sequence)
                {
                    var inner = Values(item);
                    if (inner is null)
                    {
                        return null;
                    }

                    list.AddRange(inner);
                }

                return list;
            case IFormattable f:
                return [f.ToString(null, CultureInfo.InvariantCulture)];
            default:
                return [raw.ToString() ?? string.Empty];
        }
    }

    private static List<string>? JsonValues(JsonElement e)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.String:
                return [e.GetString()!];
            case JsonValueKind.Number:
            case JsonValueKind.True:
            case JsonValueKind.False:
                return [e.GetRawText()];
            case JsonValueKind.Array:
                var list = new List<string>();
                foreach (var item in e.EnumerateArray())
                {
                    var inner = JsonValues(item);
                    if (inner is null)
                    {
                        return null;
                    }

                    list.AddRange(inner);
                }

                return list;
            case JsonValueKind.Object:
                return [e.GetRawText()];
            default:
                return null;
        }
    }
}
