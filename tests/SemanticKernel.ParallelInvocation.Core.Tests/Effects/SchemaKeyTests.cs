using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;
using static SemanticKernel.ParallelInvocation.Tests.Effects.KeyBinding;

namespace SemanticKernel.ParallelInvocation.Tests.Effects;

/// <summary>Functions without a .NET method (MCP tools) are read by their JSON schema; spellings that could bind to one value give one key.</summary>
public sealed class SchemaKeyTests
{
    private static AIFunction WithSchema(string property) => new SchemaOnly(JsonDocument.Parse("{\"type\":\"object\",\"properties\":{\"v\":" + property + "}}").RootElement);

    [Theory]
    [InlineData("""{"type":"integer"}""", "4", "4.0")]
    [InlineData("""{"type":"number"}""", "0.1", "1e-1")]
    [InlineData("""{"type":"number"}""", "4", "\"04\"")]
    [InlineData("""{"type":["number","null"]}""", "-0", "0")]
    [InlineData("""{"type":"boolean"}""", "true", "\"TRUE\"")]
    [InlineData("""{"type":"string","format":"uuid"}""", "\"0F8FAD5B-D9CB-469F-A165-70867728950E\"", "\"0f8fad5b-d9cb-469f-a165-70867728950e\"")]
    [InlineData("""{"type":"string","format":"date-time"}""", "\"2024-05-01T10:00:00Z\"", "\"2024-05-01T12:00:00+02:00\"")]
    [InlineData("""{"type":"string","enum":["Red","Green"]}""", "\"Red\"", "\"red\"")]
    [InlineData("""{"type":"object"}""", """{"a":1,"b":[1,2]}""", """{ "b" : [1, 2.0], "a" : 1 }""")]
    [InlineData("""{}""", "4", "4.00")]
    public void Schema_TwoSpellings_OneKey(string property, string a, string b) =>
        Assert.Equal(Key(WithSchema(property), "k/{v}", "v", a), Key(WithSchema(property), "k/{v}", "v", b));

    [Theory]
    [InlineData("""{"type":"string"}""", "\"a\"", "\" a\"")]
    [InlineData("""{"type":"string"}""", "\"04\"", "\"4\"")]
    [InlineData("""{"type":"object"}""", """{"a":1}""", """{"A":1}""")]
    [InlineData("""{"type":"string","enum":["x","X"]}""", "\"x\"", "\"X\"")]
    public void Schema_DifferentValues_DifferentKeys(string property, string a, string b) =>
        Assert.NotEqual(Key(WithSchema(property), "k/{v}", "v", a), Key(WithSchema(property), "k/{v}", "v", b));

    [Fact]
    public void Schema_ArrayItems_OneCanonicalKeyPerElement()
    {
        var f = WithSchema("""{"type":"array","items":{"type":"integer"}}""");
        var options = new ParallelInvocationOptions().Declare(f.Name, FunctionEffects.Reading("k/{v}"));
        Assert.Equal(["r:k/1", "r:k/2"], Keys(options, f, new() { ["v"] = JsonDocument.Parse("""[1, "1", 2e0]""").RootElement }));
    }

    private sealed class SchemaOnly(JsonElement schema) : AIFunction
    {
        public override string Name => "schema_only";

        public override JsonElement JsonSchema => schema;

        protected override ValueTask<object?> InvokeCoreAsync(AIFunctionArguments arguments, CancellationToken cancellationToken) => default;
    }
}
