using System;
using System.Collections.Generic;
using System.Text;

namespace SemanticKernel.ParallelInvocation.Effects;

/// <summary>
/// A parsed key template such as <c>orders/{orderId}/lines/{lineIds}</c>. Expanding it over a call's arguments gives one key per
/// combination of values (an array argument gives one value per element). A placeholder's value is one segment, escaped
/// (<see cref="KeySegments"/>); a <c>{*name}</c> placeholder's value may span segments (its <c>/</c> separates them).
/// </summary>
/// <remarks>
/// Conservative by construction: a placeholder whose argument is missing or null, or an expansion past
/// <see cref="MaxKeysPerTemplate"/> keys, cuts the key before that placeholder (marked with <see cref="KeyPart.Cut"/>); the normaliser
/// then keeps only the segments that no value can change, which overlaps every key the call could have meant. <c>orders/x{id}</c>
/// cut at <c>{id}</c> is <c>orders</c>, not <c>orders/x</c> (which would not overlap <c>orders/x42</c>).
/// </remarks>
internal sealed class KeyTemplate
{
    internal const int MaxKeysPerTemplate = 256;

    private readonly string[] _literals;       // n + 1 literal parts around n placeholders
    private readonly string[] _placeholders;   // argument names
    private readonly bool[] _hierarchical;     // {*name}
    private readonly string[]? _before;        // one placeholder that is a whole segment: the segments around it
    private readonly string[]? _after;

    private KeyTemplate(string text, string[] literals, string[] placeholders, bool[] hierarchical)
    {
        Text = text;
        _literals = literals;
        _placeholders = placeholders;
        _hierarchical = hierarchical;
        if (placeholders.Length == 1 && !hierarchical[0] && literals[0] is "" or [.., '/'] && literals[1] is "" or ['/', ..])
        {
            _before = literals[0].Split('/', StringSplitOptions.RemoveEmptyEntries);
            _after = literals[1].Split('/', StringSplitOptions.RemoveEmptyEntries);
        }
    }

    public string Text { get; }

    /// <summary>
    /// Gets the argument of the template's one placeholder when it is a whole segment (<c>items/{id}</c>, <c>{id}/lines</c>, not
    /// <c>items/x{id}</c> or <c>{*path}</c>); null otherwise. Then <see cref="TryKey"/> builds the key from the value alone.
    /// </summary>
    public string? SegmentArgument => _before is null ? null : _placeholders[0];

    public IReadOnlyList<string> ArgumentNames => _placeholders;

    /// <summary>Parses a template, adding a message to <paramref name="errors"/> for each syntax problem.</summary>
    public static KeyTemplate? TryParse(string text, List<string> errors, string owner)
    {
        var literals = new List<string>();
        var names = new List<string>();
        var hierarchical = new List<bool>();
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
            bool spans = name.StartsWith('*');
            name = spans ? name[1..].Trim() : name;
            if (name.Length == 0)
            {
                errors.Add($"{owner}: key template '{text}' has an empty placeholder '{{}}'.");
                return null;
            }

            literals.Add(current.ToString());
            current.Clear();
            names.Add(name);
            hierarchical.Add(spans);
            i = close;
        }

        literals.Add(current.ToString());
        return new KeyTemplate(text, [.. literals], [.. names], [.. hierarchical]);
    }

    /// <summary>Expands the template over a call's arguments, adding each key (before normalisation) to <paramref name="keys"/>.</summary>
    /// <exception cref="KeyBindingException">An argument cannot be bound, or is nested too deeply.</exception>
    public void Expand(KeyArguments arguments, List<KeyPart[]> keys)
    {
        if (_placeholders.Length == 0)
        {
            keys.Add([new KeyPart(_literals[0])]);
            return;
        }

        if (_placeholders.Length == 1)
        {
            ExpandOne(arguments, keys);
            return;
        }

        var partials = new List<List<KeyPart>> { new() { new KeyPart(_literals[0]) } };
        for (int p = 0; p < _placeholders.Length; p++)
        {
            IReadOnlyList<string>? values = arguments.Values(_placeholders[p]);
            if (values is null || (long)partials.Count * values.Count > MaxKeysPerTemplate)
            {
                // Unknown value or too many combinations: stop here; the normaliser keeps an ancestor of every possible key.
                partials.ForEach(k => keys.Add([.. k, KeyPart.Cut]));
                return;
            }

            var next = new List<List<KeyPart>>(partials.Count * values.Count);
            foreach (var prefix in partials)
            {
                foreach (string v in values)
                {
                    next.Add([.. prefix, Value(arguments, v, p), new KeyPart(_literals[p + 1])]);
                }
            }

            partials = next;
        }

        partials.ForEach(k => keys.Add([.. k]));
    }

    /// <summary>The common case, one placeholder: no intermediate lists.</summary>
    private void ExpandOne(KeyArguments arguments, List<KeyPart[]> keys)
    {
        IReadOnlyList<string>? values = arguments.Values(_placeholders[0]);
        if (values is null || values.Count > MaxKeysPerTemplate)
        {
            keys.Add([new KeyPart(_literals[0]), KeyPart.Cut]);
            return;
        }

        foreach (string v in values)
        {
            keys.Add([new KeyPart(_literals[0]), Value(arguments, v, 0), new KeyPart(_literals[1])]);
        }
    }

    /// <summary>
    /// The normalised key for one value of <see cref="SegmentArgument"/>, as <see cref="Expand"/> and <see cref="KeyNormalizer"/> would
    /// give it, without building parts or text: the escaped value is one segment between the template's own. False (and the general
    /// path is needed) when the template is not of that kind or a normaliser's prefix may apply to the key.
    /// </summary>
    public bool TryKey(string value, KeyNormalizer normalizer, out ResourceKey key)
    {
        if (_before is null || _after is null || normalizer.MayApplyAfter(_literals[0]))
        {
            key = default;
            return false;
        }

        var segments = new string[_before.Length + 1 + _after.Length];
        _before.CopyTo(segments, 0);
        segments[_before.Length] = KeySegments.Escape(value); // never empty, never with a '/'
        _after.CopyTo(segments, _before.Length + 1);
        key = ResourceKey.FromSegments(segments);
        return true;
    }

    /// <summary>A placeholder's value as a key part; the legacy test seam puts values in verbatim, as literal text.</summary>
    private KeyPart Value(KeyArguments arguments, string value, int placeholder) =>
        arguments.Verbatim ? new KeyPart(value) : new KeyPart(value, IsValue: true, IsHierarchical: _hierarchical[placeholder]);
}
