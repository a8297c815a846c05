using SemanticKernel.ParallelInvocation.Effects;

namespace SemanticKernel.ParallelInvocation.Tests.Planning;

public sealed class ResourceKeyTests
{
    [Theory]
    [InlineData("orders/42", "orders/42", true)]
    [InlineData("orders", "orders/42", true)]
    [InlineData("orders/42", "orders", true)]
    [InlineData("orders/4", "orders/42", false)]
    [InlineData("orders/41", "orders/42", false)]
    [InlineData("orders/42/lines", "orders/43/lines", false)]
    [InlineData("", "anything/at/all", true)]
    [InlineData("fs:/data/a.txt", "fs:/data", true)]
    [InlineData("fs:/data/a.txt", "fs:/data/a.txt.bak", false)]
    [InlineData("orders//42/", "orders/42", true)]
    public void Overlaps_ComparesWholeSegments(string a, string b, bool expected)
    {
        Assert.Equal(expected, ResourceKey.Parse(a).Overlaps(ResourceKey.Parse(b)));
        Assert.Equal(expected, ResourceKey.Parse(b).Overlaps(ResourceKey.Parse(a)));
    }

    [Fact]
    public void Parse_EmptySegmentsDropped_EqualKeys()
    {
        Assert.Equal(ResourceKey.Parse("a/b"), ResourceKey.Parse("/a//b/"));
        Assert.True(ResourceKey.Parse("///").IsRoot);
    }
}
