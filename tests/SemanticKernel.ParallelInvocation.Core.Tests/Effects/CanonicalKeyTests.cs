using System;
using System.Collections.Generic;
using System.Text.Json;
using Microsoft.Extensions.AI;
using static SemanticKernel.ParallelInvocation.Tests.Effects.KeyBinding;

namespace SemanticKernel.ParallelInvocation.Tests.Effects;

/// <summary>A key segment is the value the function receives, bound to its parameter's type: two spellings of one value give one key.</summary>
public sealed class CanonicalKeyTests
{
    public enum Color
    {
        Red,
        Green,
    }

    public sealed record Point(int X, int Y, string? Label = null);

    public sealed record Tagged(HashSet<string> Tags);

    private static AIFunction Typed<T>(string name = "f") => AIFunctionFactory.Create((T v) => v?.ToString(), name);

    [Theory]
    [InlineData("4", "\"04\"")]
    [InlineData("4", "\"+4\"")]
    [InlineData("4", "\"4\"")]
    [InlineData("0", "-0")]
    public void Int_TwoSpellingsOfOneValue_OneKey(string a, string b) =>
        Assert.Equal(Key(Typed<int>(), "n/{v}", "v", a), Key(Typed<int>(), "n/{v}", "v", b));

    [Theory]
    [InlineData("4", "4.0")]
    [InlineData("0.1", "1e-1")]
    [InlineData("0", "-0.0")]
    [InlineData("1e21", "1000000000000000000000")]
    [InlineData("4", "\"4.00\"")]
    public void Double_TwoSpellingsOfOneValue_OneKey(string a, string b) =>
        Assert.Equal(Key(Typed<double>(), "n/{v}", "v", a), Key(Typed<double>(), "n/{v}", "v", b));

    [Theory]
    [InlineData("\" 4\"")]
    [InlineData("\"4 \"")]
    public void Int_StringTheJsonBinderRefuses_ReadByTheTypeConverterAsSemanticKernelDoes(string json) =>
        Assert.Equal("n/4", Key(Typed<int>(), "n/{v}", "v", json));

    [Fact]
    public void Set_InsideAnObject_OrderDoesNotMatter() =>
        Assert.Equal(Key(Typed<Tagged>(), "t/{v}", "v", """{"tags":["a","b"]}"""), Key(Typed<Tagged>(), "t/{v}", "v", """{"tags":["b","a"]}"""));

    [Fact]
    public void Decimal_Scale_DoesNotChangeTheKey()
    {
        Assert.Equal("n/4", Key(Typed<decimal>(), "n/{v}", "v", "4.00"));
        Assert.Equal("n/4", Key(Typed<decimal>(), "n/{v}", "v", "4"));
        Assert.Equal("n/0.5", Key(Typed<decimal>(), "n/{v}", "v", "0.50"));
    }

    [Fact]
    public void NumbersOfDifferentTypes_SameValue_SameSegment()
    {
        // An int function and a decimal function on one template name the same resource for the same number.
        Assert.Equal(Key(Typed<int>("i"), "n/{v}", "v", "4"), Key(Typed<decimal>("d"), "n/{v}", "v", "4.00"));
    }

    [Theory]
    [InlineData("\"Red\"")]
    [InlineData("\"red\"")]
    [InlineData("\"RED\"")]
    [InlineData("0")]
    [InlineData("\"0\"")]
    public void Enum_EverySpellingTheBinderAccepts_OneKey(string json) =>
        Assert.Equal("c/Red", Key(Typed<Color>(), "c/{v}", "v", json));

    [Theory]
    [InlineData("true")]
    [InlineData("\"true\"")]
    [InlineData("\"True\"")]
    public void Bool_Spellings_OneKey(string json) =>
        Assert.Equal("b/true", Key(Typed<bool>(), "b/{v}", "v", json));

    [Fact]
    public void Guid_Case_DoesNotChangeTheKey() =>
        Assert.Equal(
            Key(Typed<Guid>(), "g/{v}", "v", "\"0F8FAD5B-D9CB-469F-A165-70867728950E\""),
            Key(Typed<Guid>(), "g/{v}", "v", "\"0f8fad5b-d9cb-469f-a165-70867728950e\""));

    [Fact]
    public void DateTimeOffset_SameInstantInTwoOffsets_OneKey()
    {
        string utc = Key(Typed<DateTimeOffset>(), "t/{v}", "v", "\"2024-05-01T10:00:00Z\"");
        Assert.Equal(utc, Key(Typed<DateTimeOffset>(), "t/{v}", "v", "\"2024-05-01T12:00:00+02:00\""));
        Assert.NotEqual(utc, Key(Typed<DateTimeOffset>(), "t/{v}", "v", "\"2024-05-01T12:00:00Z\""));
    }

    [Fact]
    public void DateTime_SameInstantInTwoOffsets_OneKey() =>
        Assert.Equal(
            Key(Typed<DateTime>(), "t/{v}", "v", "\"2024-05-01T10:00:00Z\""),
            Key(Typed<DateTime>(), "t/{v}", "v", "\"2024-05-01T12:00:00+02:00\""));

    [Theory]
    [InlineData("a", " a")]
    [InlineData("a", "A")]
    [InlineData("café", "cafe\u0301")]
    public void String_IsUsedAsItIs(string a, string b) =>
        Assert.NotEqual(Key(Typed<string>(), "s/{v}", "v", JsonSerializer.Serialize(a)), Key(Typed<string>(), "s/{v}", "v", JsonSerializer.Serialize(b)));

    [Theory]
    [InlineData("""{"x":1,"y":2}""", """{ "y": 2, "x": 1 }""")]
    [InlineData("""{"x":1,"y":2}""", """{"X":1,"Y":2}""")]
    [InlineData("""{"x":1,"y":2}""", """{"x":1,"y":2,"label":null}""")]
    [InlineData("""{"x":1,"y":2}""", """{"x":"1","y":2}""")]
    public void Object_OrderWhitespaceAndNameCaseAsTheBinderMatchesThem_OneKey(string a, string b) =>
        Assert.Equal(Key(Typed<Point>(), "p/{v}", "v", a), Key(Typed<Point>(), "p/{v}", "v", b));

    [Fact]
    public void Object_DifferentValues_DifferentKeys() =>
        Assert.NotEqual(Key(Typed<Point>(), "p/{v}", "v", """{"x":1,"y":2}"""), Key(Typed<Point>(), "p/{v}", "v", """{"x":2,"y":1}"""));

    [Fact]
    public void Array_OneKeyPerElement_EachCanonical()
    {
        var f = AIFunctionFactory.Create((int[] ids) => ids.Length, "cancel");
        var options = new ParallelInvocationOptions().Declare("cancel", FunctionEffects.Writing("orders/{ids}"));
        Assert.Equal(["w:orders/1", "w:orders/2"], Keys(options, f, new() { ["ids"] = JsonDocument.Parse("""[1, "01", 2, "+2"]""").RootElement }));
    }

    [Fact]
    public void DotNetValue_SameAsItsJsonSpelling()
    {
        var f = Typed<int>();
        var options = new ParallelInvocationOptions().Declare("f", FunctionEffects.Writing("n/{v}"));
        Assert.Equal(Keys(options, f, new() { ["v"] = 4 }), Keys(options, f, new() { ["v"] = "04" }));
        Assert.Equal(Keys(options, f, new() { ["v"] = 4L }), Keys(options, f, new() { ["v"] = JsonDocument.Parse("4").RootElement }));
    }

    [Fact]
    public void UserCanonicalizer_DecidesWhenItsTypeIsEqual()
    {
        var f = Typed<Point>();
        var options = new ParallelInvocationOptions().AddKeyCanonicalizer<Point>(p => $"{p.X},{p.Y}"); // the label does not matter
        Assert.Equal("p/1,2", Key(f, "p/{v}", "v", """{"x":1,"y":2,"label":"a"}""", options));
        Assert.Equal("p/1,2", Key(f, "p/{v}", "v", """{"x":1,"y":2,"label":"b"}""", new ParallelInvocationOptions().AddKeyCanonicalizer<Point>(p => $"{p.X},{p.Y}")));
    }

    [Fact]
    public void UserCanonicalizer_AppliesToArrayElements()
    {
        var f = AIFunctionFactory.Create((Point[] points) => points.Length, "f");
        var options = new ParallelInvocationOptions().Declare("f", FunctionEffects.Writing("p/{points}")).AddKeyCanonicalizer<Point>(p => $"{p.X},{p.Y}");
        Assert.Equal(["w:p/1,2", "w:p/3,4"], Keys(options, f, new() { ["points"] = JsonDocument.Parse("""[{"x":1,"y":2,"label":"a"},{"Y":4,"X":3}]""").RootElement }));
    }

    [Fact]
    public void UserCanonicalizer_AppliesInsideObjects()
    {
        var f = AIFunctionFactory.Create((Dictionary<string, Point> byName) => byName.Count, "f");
        string Canonical(string json) => Key(f, "m/{byName}", "byName", json, new ParallelInvocationOptions().AddKeyCanonicalizer<Point>(p => $"{p.X}"));
        Assert.Equal(Canonical("""{"b":{"x":1,"y":2},"a":{"x":3}}"""), Canonical("""{"a":{"x":3,"y":9},"b":{"x":1,"y":7}}"""));
    }
}
