using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;

namespace SemanticKernel.ParallelInvocation.Tests.SerialEquivalence;

/// <summary>A colour, bound from "Red", "red", "RED", 0 or "0".</summary>
public enum Shade
{
    Red,
    Green,
}

/// <summary>A typed argument, bound from objects that differ in property order, whitespace and name case.</summary>
public sealed record Spot(int X, int Y);

/// <summary>
/// Typed argument families: a generated call names one value of the family's parameter type, spelled as JSON in one of several
/// ways the binder reads as that value, or (strings) an adversarial string. The store key is the value's own text as the test
/// defines it, computed from the value the function receives, never from its spelling.
/// </summary>
public static class SpelledValues
{
    public static readonly string[] Families = ["slot", "guid", "shade", "when", "spot", "name"];

    private static readonly Guid[] Guids = [new("0f8fad5b-d9cb-469f-a165-70867728950e"), new("7c9e6679-7425-40de-944b-e07fc1f90ae7")];
    private static readonly DateTimeOffset[] Instants = [new(2024, 5, 1, 10, 0, 0, TimeSpan.Zero), new(2024, 5, 1, 12, 0, 0, TimeSpan.Zero)];
    private static readonly string[] Adversarial = ["a", "a/b", "", " ", "..", ".", "%", "%2F", "a%2Fb", "/a", "a/", "A", "a b"];

    /// <summary>The parameter name of a family's functions.</summary>
    public static string Parameter(string family) => family;

    /// <summary>The store key of a bound value: the test's own canonical text, independent of the engine.</summary>
    public static string StoreKey(string family, object bound) => family switch
    {
        "slot" => $"slots/{(int)bound}",
        "guid" => $"guids/{(Guid)bound:N}",
        "shade" => $"shades/{(Shade)bound}",
        "when" => $"whens/{((DateTimeOffset)bound).UtcTicks}",
        "spot" => $"spots/{((Spot)bound).X},{((Spot)bound).Y}",
        "name" => $"names/{Convert.ToHexString(Encoding.UTF8.GetBytes((string)bound))}",
        _ => throw new InvalidOperationException(family),
    };

    /// <summary>A value of the family and one of its spellings as JSON; the store key of the value.</summary>
    public static Gen<(string StoreKey, string Json)> Spelling(string family) => family switch
    {
        "slot" => from n in Gen.Choose(0, 2)
                  from json in Gen.Elements(
                      n.ToString(CultureInfo.InvariantCulture), $"\"{n}\"", $"\"0{n}\"", $"\"+{n}\"", n == 0 ? "-0" : $"{n}")
                  select (StoreKey(family, n), json),
        "guid" => from g in Gen.Elements(Guids)
                  from upper in Gen.Elements(false, true)
                  select (StoreKey(family, g), Quote(upper ? g.ToString("D").ToUpperInvariant() : g.ToString("D"))),
        "shade" => from s in Gen.Elements(Shade.Red, Shade.Green)
                   from json in Gen.Elements(Quote(s.ToString()), Quote(s.ToString().ToLowerInvariant()), Quote(s.ToString().ToUpperInvariant()), ((int)s).ToString(CultureInfo.InvariantCulture), Quote(((int)s).ToString(CultureInfo.InvariantCulture)))
                   select (StoreKey(family, s), json),
        "when" => from t in Gen.Elements(Instants)
                  from offset in Gen.Elements(0, 120, -330)
                  select (StoreKey(family, t), Quote(t.ToOffset(TimeSpan.FromMinutes(offset)).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture))),
        "spot" => from p in Gen.Elements(new Spot(1, 2), new Spot(2, 1))
                  from json in Gen.Elements(
                      $$"""{"x":{{p.X}},"y":{{p.Y}}}""", $$"""{"Y":{{p.Y}},"X":{{p.X}}}""", $$"""{ "x" : {{p.X}} ,  "y" : {{p.Y}} }""", $$"""{"x":"{{p.X}}","y":{{p.Y}}}""")
                  select (StoreKey(family, p), json),
        "name" => from s in Gen.Elements(Adversarial)
                  select (StoreKey(family, s), JsonSerializer.Serialize(s)),
        _ => throw new InvalidOperationException(family),
    };

    private static string Quote(string s) => JsonSerializer.Serialize(s);

    /// <summary>Whether <paramref name="function"/> is one of a family's functions (<c>{family}_incr</c> or <c>{family}_get</c>).</summary>
    public static string? FamilyOf(string function) => Families.FirstOrDefault(f => function.StartsWith(f + "_", StringComparison.Ordinal));

    public static IEnumerable<string> FunctionNames => Families.SelectMany(f => new[] { f + "_incr", f + "_get" });
}
