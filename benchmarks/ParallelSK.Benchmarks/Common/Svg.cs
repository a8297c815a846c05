using System;
using System.Globalization;
using System.Net;
using System.Text;

namespace ParallelSK.Benchmarks.Common;

/// <summary>What every benchmark chart draws the same way: the document with its white background and title, legend swatches, invariant numbers.</summary>
internal static class Svg
{
    /// <summary>Starts a chart: the svg element, a white background and a bold title at the top left.</summary>
    public static StringBuilder Begin(int width, int height, string title, int titleX = 12)
    {
        var svg = new StringBuilder();
        svg.Append(F($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" font-family=\"sans-serif\" font-size=\"11\">\n"));
        svg.Append(F($"<rect width=\"{width}\" height=\"{height}\" fill=\"white\"/>\n"));
        svg.Append(F($"<text x=\"{titleX}\" y=\"20\" font-size=\"14\" font-weight=\"bold\">{WebUtility.HtmlEncode(title)}</text>\n"));
        return svg;
    }

    /// <summary>One legend entry: a colour swatch of <paramref name="size"/> with its label.</summary>
    public static void Legend(StringBuilder svg, double x, double y, string color, string label, int size = 12) =>
        svg.Append(F($"<rect x=\"{x}\" y=\"{y}\" width=\"{size}\" height=\"{size}\" fill=\"{color}\"/><text x=\"{x + size + 4}\" y=\"{y + size - 2}\">{WebUtility.HtmlEncode(label)}</text>\n"));

    /// <summary>Formats with the invariant culture, so charts read the same on every machine.</summary>
    public static string F(FormattableString value) => value.ToString(CultureInfo.InvariantCulture);
}
