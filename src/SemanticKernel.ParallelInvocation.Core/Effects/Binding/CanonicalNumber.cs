using System;
using System.Globalization;
using System.Text;

namespace SemanticKernel.ParallelInvocation.Effects;

/// <summary>
/// One spelling per number: <c>4</c>, <c>04</c>, <c>+4</c>, <c>4.0</c>, <c>4.00</c> and <c>4e0</c> all become <c>4</c>; <c>0.1</c> and
/// <c>1e-1</c> become <c>0.1</c>; <c>-0</c> becomes <c>0</c>. Exact (digits are never rounded), whatever the number's size.
/// </summary>
internal static class CanonicalNumber
{
    /// <summary>The canonical text of a decimal number written as JSON allows (also with a leading <c>+</c> or leading zeros), or null if it is not one.</summary>
    public static string? TryNormalize(ReadOnlySpan<char> text)
    {
        int i = 0;
        bool negative = false;
        if (i < text.Length && (text[i] == '-' || text[i] == '+'))
        {
            negative = text[i] == '-';
            i++;
        }

        int intStart = i;
        while (i < text.Length && char.IsAsciiDigit(text[i]))
        {
            i++;
        }

        ReadOnlySpan<char> integer = text[intStart..i];
        ReadOnlySpan<char> fraction = default;
        if (i < text.Length && text[i] == '.')
        {
            int fracStart = ++i;
            while (i < text.Length && char.IsAsciiDigit(text[i]))
            {
                i++;
            }

            fraction = text[fracStart..i];
        }

        if (integer.IsEmpty && fraction.IsEmpty)
        {
            return null;
        }

        long exponent = 0;
        if (i < text.Length && (text[i] == 'e' || text[i] == 'E'))
        {
            i++;
            if (!long.TryParse(text[i..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out exponent) || Math.Abs(exponent) > int.MaxValue)
            {
                return null;
            }

            i = text.Length;
        }

        if (i != text.Length)
        {
            return null;
        }

        // value = digits × 10^(exponent - fraction.Length), with the digits stripped of leading and trailing zeros.
        var digits = new StringBuilder(integer.Length + fraction.Length);
        digits.Append(integer).Append(fraction);
        exponent -= fraction.Length;
        int lead = 0;
        while (lead < digits.Length && digits[lead] == '0')
        {
            lead++;
        }

        digits.Remove(0, lead);
        if (digits.Length == 0)
        {
            return "0";
        }

        int trail = 0;
        while (digits[digits.Length - 1 - trail] == '0')
        {
            trail++;
        }

        digits.Length -= trail;
        exponent += trail;
        return Format(negative, digits.ToString(), exponent);
    }

    public static string FromDouble(double value)
    {
        if (double.IsNaN(value))
        {
            return "NaN";
        }

        if (double.IsInfinity(value))
        {
            return value > 0 ? "Infinity" : "-Infinity";
        }

        return value == 0 ? "0" : TryNormalize(value.ToString("R", CultureInfo.InvariantCulture))!;
    }

    public static string FromSingle(float value) =>
        float.IsFinite(value) && value != 0 ? TryNormalize(value.ToString("R", CultureInfo.InvariantCulture))! : FromDouble(value);

    public static string FromDecimal(decimal value) => TryNormalize(value.ToString(CultureInfo.InvariantCulture))!;

    /// <summary>Plain notation while the decimal point stays within 21 places of the digits (as JavaScript prints numbers), scientific beyond.</summary>
    private static string Format(bool negative, string digits, long exponent)
    {
        string sign = negative ? "-" : string.Empty;
        long point = digits.Length + exponent; // value = 0.digits × 10^point
        if (exponent >= 0 && point <= 21)
        {
            return sign + digits + new string('0', (int)exponent);
        }

        if (exponent < 0 && point > 0)
        {
            return sign + digits[..(int)point] + "." + digits[(int)point..];
        }

        if (exponent < 0 && point > -6)
        {
            return sign + "0." + new string('0', (int)-point) + digits;
        }

        string mantissa = digits.Length == 1 ? digits : digits[0] + "." + digits[1..];
        long e = point - 1;
        return sign + mantissa + "e" + (e >= 0 ? "+" : "-") + Math.Abs(e).ToString(CultureInfo.InvariantCulture);
    }
}
