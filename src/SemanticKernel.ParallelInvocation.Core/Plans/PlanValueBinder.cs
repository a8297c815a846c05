using System;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace SemanticKernel.ParallelInvocation.Plans;

/// <summary>
/// Binds a value taken from another step's output to the type of the parameter it is passed to, as the function's schema states it:
/// a number passed to a string parameter becomes its text, a numeric string passed to a number parameter becomes the number, and so
/// on. So the same value reaches the function (and its resource keys) whichever way the producer spelled it.
/// </summary>
/// <remarks>
/// A local version until the effects layer offers one binding for keys and values (a function that converts a value to a parameter's
/// type); <see cref="Bind"/> is the one place to call it from. A value that does not convert is passed as it is, and the function reports it.
/// </remarks>
internal static class PlanValueBinder
{
    public static JsonElement Bind(AIFunction function, string parameter, JsonElement value)
    {
        var types = PlanSchemas.Types(PlanSchemas.Parameter(function, parameter));
        if (types.Count == 0 || types.Contains(KindName(value)) || (value.ValueKind == JsonValueKind.Number && types.Contains("number")))
        {
            return value;
        }

        if (types.Contains("string"))
        {
            return value.ValueKind is JsonValueKind.Null ? value : PlanJson.String(PlanJson.TextOf(value));
        }

        if (value.ValueKind == JsonValueKind.String)
        {
            string text = value.GetString()!.Trim();
            if (types.Contains("integer") && long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long integer))
            {
                return PlanJson.Parse(integer.ToString(CultureInfo.InvariantCulture));
            }

            if (types.Contains("number") && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double number) && double.IsFinite(number))
            {
                return PlanJson.Number(number);
            }

            if (types.Contains("boolean") && bool.TryParse(text, out bool boolean))
            {
                return PlanJson.Boolean(boolean);
            }

            if (types.Contains("object") || types.Contains("array"))
            {
                return PlanJson.Structured(value);
            }
        }

        if (value.ValueKind == JsonValueKind.Number && types.Contains("integer") && value.TryGetDouble(out double d) && d == Math.Floor(d) && Math.Abs(d) < 9e15)
        {
            return PlanJson.Parse(((long)d).ToString(CultureInfo.InvariantCulture));
        }

        return value;
    }

    private static string KindName(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => "object",
        JsonValueKind.Array => "array",
        JsonValueKind.String => "string",
        JsonValueKind.Number => value.TryGetInt64(out _) ? "integer" : "number",
        JsonValueKind.True or JsonValueKind.False => "boolean",
        _ => "null",
    };
}
