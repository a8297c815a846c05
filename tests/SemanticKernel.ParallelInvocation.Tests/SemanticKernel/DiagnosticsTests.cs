using System;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.Connectors.OpenAI;
using SemanticKernel.ParallelInvocation.SemanticKernelTests.Fakes;
using SemanticKernel.ParallelInvocation.Tests.Contract;

namespace SemanticKernel.ParallelInvocation.SemanticKernelTests.SemanticKernel;

public sealed class DiagnosticsTests
{
    [Fact]
    public void Check_ParallelAutoWithFilter_FindsNothing() =>
        Assert.Empty(ParallelInvocationDiagnostics.Check(KernelWithFilter(), new OpenAIPromptExecutionSettings { FunctionChoiceBehavior = ParallelFunctionChoiceBehavior.Auto() }));

    [Fact]
    public void Check_StrictSchemaAdherence_NamesIt() =>
        AssertSingle("AllowStrictSchemaAdherence", new OpenAIPromptExecutionSettings
        {
            FunctionChoiceBehavior = FunctionChoiceBehavior.Auto(options: new() { AllowParallelCalls = true, AllowStrictSchemaAdherence = true }),
        });

    [Fact]
    public void Check_ParallelCallsDisallowed_NamesIt() =>
        AssertSingle("AllowParallelCalls is false", new OpenAIPromptExecutionSettings
        {
            FunctionChoiceBehavior = FunctionChoiceBehavior.Auto(options: new() { AllowParallelCalls = false }),
        });

    [Fact]
    public void Check_RequiredWithOneFunction_NamesIt()
    {
        var kernel = KernelWithFilter();
        AssertSingle("Required with a single function", new OpenAIPromptExecutionSettings
        {
            FunctionChoiceBehavior = FunctionChoiceBehavior.Required([TestKernels.Function(kernel, "Add")]),
        }, kernel);
    }

    [Fact]
    public void Check_KernelWithoutFilter_NamesTheMissingFilter()
    {
        var builder = Kernel.CreateBuilder();
        builder.Plugins.Add(TestKernels.InventoryPlugin(new Inventory()));

        string problem = Assert.Single(ParallelInvocationDiagnostics.Check(builder.Build(), new OpenAIPromptExecutionSettings { FunctionChoiceBehavior = ParallelFunctionChoiceBehavior.Auto() }));

        Assert.Contains("no ParallelFunctionInvocationFilter", problem, StringComparison.Ordinal);
    }

    private static void AssertSingle(string expected, PromptExecutionSettings settings, Kernel? kernel = null) =>
        Assert.Contains(expected, Assert.Single(ParallelInvocationDiagnostics.Check(kernel ?? KernelWithFilter(), settings)), StringComparison.Ordinal);

    private static Kernel KernelWithFilter()
    {
        var builder = Kernel.CreateBuilder();
        builder.Plugins.Add(TestKernels.InventoryPlugin(new Inventory()));
        builder.AddParallelFunctionInvocation();
        return builder.Build();
    }
}
