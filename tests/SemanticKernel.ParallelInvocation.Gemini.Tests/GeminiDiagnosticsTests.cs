using System;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.Connectors.Google;
using SemanticKernel.ParallelInvocation.SemanticKernelTests.Fakes;
using SemanticKernel.ParallelInvocation.Tests.Contract;

namespace SemanticKernel.ParallelInvocation.SemanticKernelTests.SemanticKernel;

public sealed class GeminiDiagnosticsTests
{
    [Fact]
    public void Check_GeminiSettings_NamesTheConnector()
    {
        var builder = Kernel.CreateBuilder();
        builder.Plugins.Add(TestKernels.InventoryPlugin(new Inventory()));
        builder.AddParallelFunctionInvocation();
        var settings = new GeminiPromptExecutionSettings { FunctionChoiceBehavior = FunctionChoiceBehavior.Auto() };

        string problem = Assert.Single(ParallelInvocationDiagnostics.Check(builder.Build(), settings));

        Assert.Contains("Gemini connector", problem, StringComparison.Ordinal);
    }
}
