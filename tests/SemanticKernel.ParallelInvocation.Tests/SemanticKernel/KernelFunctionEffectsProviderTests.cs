using System.Collections.Generic;
using System.Net.Http;
using System.Threading.Tasks;
using Microsoft.SemanticKernel;

namespace SemanticKernel.ParallelInvocation.SemanticKernelTests.SemanticKernel;

/// <summary>Declarations for kernel functions with no method of their own to put attributes on.</summary>
public sealed class KernelFunctionEffectsProviderTests
{
    [Fact]
    public async Task GetEffects_MetadataDeclarationOnLambdaFunction_PlansByIt()
    {
        var function = KernelFunctionFactory.CreateFromMethod(
            (string item) => item,
            new KernelFunctionFromMethodOptions
            {
                FunctionName = "Restock",
                AdditionalMetadata = new(new Dictionary<string, object?> { [KernelFunctionEffectsProvider.MetadataKey] = FunctionEffects.Writing("stock/{item}") }),
            });
        var options = new ParallelInvocationOptions();
        options.EffectsProviders.Add(new KernelFunctionEffectsProvider());

        var report = await new ParallelToolExecutor(options).ExecuteAsync(
        [
            new ToolCallRequest("c1", function.Name, new Dictionary<string, object?> { ["item"] = "apple" }, function),
            new ToolCallRequest("c2", function.Name, new Dictionary<string, object?> { ["item"] = "pear" }, function),
            new ToolCallRequest("c3", function.Name, new Dictionary<string, object?> { ["item"] = "apple" }, function),
        ]);

        Assert.Equal(EffectsSource.Provider, report.Calls[0].EffectsSource);
        Assert.Equal(["stock/apple"], report.Calls[0].WriteKeys);
        Assert.Empty(report.Calls[1].Predecessors);
        Assert.Equal([0], report.Calls[2].Predecessors);
    }

    [Fact]
    public void GetEffects_OpenApiGetOperation_IsReadOnly() =>
        Assert.Same(FunctionEffects.ReadOnly, new KernelFunctionEffectsProvider().GetEffects(OpenApiFunction(HttpMethod.Get)));

    [Fact]
    public void GetEffects_OpenApiPostOperation_IsUndeclared() =>
        Assert.Null(new KernelFunctionEffectsProvider().GetEffects(OpenApiFunction(HttpMethod.Post)));

    private static KernelFunction OpenApiFunction(HttpMethod method) => KernelFunctionFactory.CreateFromMethod(
        () => "ok",
        new KernelFunctionFromMethodOptions
        {
            FunctionName = "Operation",
            AdditionalMetadata = new(new Dictionary<string, object?> { ["operation"] = new FakeOperation(method) }),
        });

    /// <summary>The shape of the OpenAPI plugin's operation object as the provider reads it (a <c>Method</c> property).</summary>
    private sealed record FakeOperation(HttpMethod Method);
}
