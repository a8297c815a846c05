using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;

namespace SemanticKernel.ParallelInvocation.Tests.Effects;

/// <summary>A value that cannot be bound, or nests too deeply, is rejected like malformed arguments: a clear error, the call not run, the rest of the batch unaffected.</summary>
public sealed class KeyBindingErrorTests
{
    public sealed class Node
    {
        public Node? Next { get; set; }
    }

    private static async Task<BatchReport> RunAsync(AIFunction keyed, object? value, Action<int>? ran = null)
    {
        int runs = 0;
        var other = AIFunctionFactory.Create(() => ++runs, "other");
        var options = new ParallelInvocationOptions().Declare(keyed.Name, FunctionEffects.Writing("k/{v}")).Declare("other", FunctionEffects.Writing("elsewhere"));
        var report = await new ParallelToolExecutor(options).ExecuteAsync(
            [new ToolCallRequest("c1", keyed.Name, new Dictionary<string, object?> { ["v"] = value }, keyed), new ToolCallRequest("c2", "other", null, other)]);
        ran?.Invoke(runs);
        Assert.Equal(ToolCallStatus.Succeeded, report.Calls[1].Status);
        return report;
    }

    [Theory]
    [InlineData("4.5")]
    [InlineData("4e0")]
    [InlineData("4.0")]
    [InlineData("\"four\"")]
    [InlineData("{\"a\":1}")]
    public async Task ExecuteAsync_ValueNotOfTheParameterType_RejectedWithTheArgumentNamed(string json)
    {
        bool called = false;
        var f = AIFunctionFactory.Create((int v) => called = true, "set_quantity");

        var report = await RunAsync(f, JsonDocument.Parse(json).RootElement);

        Assert.False(called);
        Assert.Equal(ToolCallStatus.Rejected, report.Calls[0].Status);
        Assert.Contains("argument 'v'", report.Calls[0].ErrorMessage, StringComparison.Ordinal);
        Assert.Contains("Int32", report.Calls[0].ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExecuteAsync_HundredThousandDeepJson_RejectedWithoutCrashing()
    {
        string json = new string('[', 100_000) + new string(']', 100_000);
        var deep = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 200_000 }).RootElement;
        var f = AIFunctionFactory.Create((JsonElement v) => v.ValueKind.ToString(), "deep");

        var report = await RunAsync(f, deep);

        Assert.Equal(ToolCallStatus.Rejected, report.Calls[0].Status);
        Assert.Contains("nested more than 64 levels", report.Calls[0].ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExecuteAsync_DeepJsonForSchemaOnlyFunction_RejectedWithoutCrashing()
    {
        string json = "{\"a\":" + string.Concat(Enumerable.Repeat("[", 100_000)) + string.Concat(Enumerable.Repeat("]", 100_000)) + "}";
        var deep = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 200_000 }).RootElement;
        var f = AIFunctionFactory.CreateDeclaration("schema_only", null, JsonDocument.Parse("""{"type":"object","properties":{"v":{}}}""").RootElement);

        var report = await RunAsync(new InvocableDeclaration(f), deep);

        Assert.Equal(ToolCallStatus.Rejected, report.Calls[0].Status);
    }

    [Fact]
    public async Task ExecuteAsync_CyclicObjectGraph_RejectedWithoutCrashing()
    {
        var cycle = new Node();
        cycle.Next = cycle;
        var f = AIFunctionFactory.Create((Node v) => "ran", "cyclic");

        var report = await RunAsync(f, cycle);

        Assert.Equal(ToolCallStatus.Rejected, report.Calls[0].Status);
        Assert.Contains("refers to itself", report.Calls[0].ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExecuteAsync_DeepNestedLists_RejectedWithoutCrashing()
    {
        object nested = "leaf";
        for (int i = 0; i < 100_000; i++)
        {
            nested = new List<object> { nested };
        }

        var f = AIFunctionFactory.Create((object v) => "ran", "nested");

        var report = await RunAsync(f, nested);

        Assert.Equal(ToolCallStatus.Rejected, report.Calls[0].Status);
    }

    [Fact]
    public async Task ExecuteAsync_NullValue_KeyCutBeforeThePlaceholder_CallRuns()
    {
        var f = AIFunctionFactory.Create((int? v) => "ran", "nullable");

        var report = await RunAsync(f, null);

        Assert.Equal(ToolCallStatus.Succeeded, report.Calls[0].Status);
        Assert.Equal(["k"], report.Calls[0].WriteKeys);
    }

    /// <summary>A declaration made invocable, standing in for a function with a schema and no .NET method (an MCP tool).</summary>
    private sealed class InvocableDeclaration(AIFunctionDeclaration declaration) : AIFunction
    {
        public override string Name => declaration.Name;

        public override JsonElement JsonSchema => declaration.JsonSchema;

        protected override ValueTask<object?> InvokeCoreAsync(AIFunctionArguments arguments, System.Threading.CancellationToken cancellationToken) =>
            new(Encoding.UTF8.GetByteCount(arguments.Count.ToString(System.Globalization.CultureInfo.InvariantCulture)));
    }
}
