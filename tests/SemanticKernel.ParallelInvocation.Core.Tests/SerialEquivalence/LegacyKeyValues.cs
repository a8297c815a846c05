using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Text.Json;

namespace SemanticKernel.ParallelInvocation.Tests.SerialEquivalence;

/// <summary>
/// The reference implementation of how keys were bound before canonical keys (kept here, not in the library): a placeholder's value
/// was the argument's raw spelling (a JSON number's text, a string as given, an object's raw JSON), inserted verbatim. The property
/// tests run the engine with it to show that their generators catch it.
/// </summary>
public static class LegacyKeyValues
{
    public static IReadOnlyList<string>? Values(object? raw)
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
                    if (Values(item) is not { } inner)
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
            case JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False or JsonValueKind.Object:
                return [e.GetRawText()];
            case JsonValueKind.Array:
                var list = new List<string>();
                foreach (var item in e.EnumerateArray())
                {
                    if (JsonValues(item) is not { } inner)
                    {
                        return null;
                    }

                    list.AddRange(inner);
                }

                return list;
            default:
                return null;
        }
    }
}
