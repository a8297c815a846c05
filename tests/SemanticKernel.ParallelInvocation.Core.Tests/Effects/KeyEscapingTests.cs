using System.Linq;
using Microsoft.Extensions.AI;
using SemanticKernel.ParallelInvocation.Effects;
using static SemanticKernel.ParallelInvocation.Tests.Effects.KeyBinding;

namespace SemanticKernel.ParallelInvocation.Tests.Effects;

/// <summary>A value is one segment: '/', '..', empty and whitespace values can neither merge with nor escape the prefix they are put under.</summary>
public sealed class KeyEscapingTests
{
    private static readonly AIFunction Put = AIFunctionFactory.Create((string id) => id, "put");

    private static ResourceKey Of(string id, string template = "orders/{id}") =>
        ResourceKey.Parse(Key(Put, template, "id", System.Text.Json.JsonSerializer.Serialize(id)));

    [Theory]
    [InlineData("a/b")]
    [InlineData("")]
    [InlineData("..")]
    [InlineData(".")]
    [InlineData(" ")]
    [InlineData("/")]
    [InlineData("a/../..")]
    [InlineData("%2F")]
    public void Value_StaysOneSegmentUnderItsPrefix(string id)
    {
        var key = Of(id);
        Assert.Equal(2, key.Segments.Length); // never the prefix itself, never below another order
        Assert.Equal("orders", key.Segments[0]);
        Assert.False(key.Overlaps(Of("a")));
        Assert.False(key.Overlaps(ResourceKey.Parse("other")));
    }

    [Fact]
    public void DistinctValues_NeverShareASegment()
    {
        string[] ids = ["a", "a/b", "a%2Fb", "", "%", " ", "  ", ".", "..", "%2E", "/", "a/"];
        var keys = ids.Select(id => Of(id)).ToList();
        for (int i = 0; i < keys.Count; i++)
        {
            for (int j = 0; j < keys.Count; j++)
            {
                Assert.Equal(i == j, keys[i].Overlaps(keys[j]));
            }
        }
    }

    [Fact]
    public void HierarchicalPlaceholder_SlashSeparatesSegments_PartsStillEscaped()
    {
        Assert.Equal("docs/a/b", Of("a/b", "docs/{*id}").ToString());
        Assert.True(Of("a/b", "docs/{*id}").Overlaps(Of("a", "docs/{*id}")));
        Assert.Equal("docs/%2E%2E/x", Of("../x", "docs/{*id}").ToString());
        Assert.Equal("docs", Of("", "docs/{*id}").ToString()); // the whole hierarchy
    }

    [Fact]
    public void CustomNormaliser_SeesValuesEscaped()
    {
        string? seen = null;
        var options = new ParallelInvocationOptions();
        options.KeyNormalizers["orders/"] = s => seen = s.ToUpperInvariant();
        Assert.Equal("orders/A%2FB", Key(Put, "orders/{id}", "id", "\"a/b\"", options));
        Assert.Equal("A%2FB", seen);
    }
}
