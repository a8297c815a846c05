using System.Threading.Tasks;
using Microsoft.Extensions.AI;

namespace SemanticKernel.ParallelInvocation.Tests.Execution;

/// <summary>What a host sends back for each outcome; a call without an id runs like any other.</summary>
public sealed class ResultContentTests
{
    private static readonly AIFunction Echo = AIFunctionFactory.Create((string s) => s, "echo");

    [Fact]
    public async Task ToResultContent_RejectedCall_CarriesAnExceptionSoProvidersMarkItAnError()
    {
        var report = await new ParallelToolExecutor().ExecuteAsync([new ToolCallRequest("c1", "missing", null, null)]);

        var content = report.Calls[0].ToResultContent();

        Assert.Equal(ToolCallStatus.Rejected, report.Calls[0].Status);
        var ex = Assert.IsType<System.InvalidOperationException>(content.Exception);
        Assert.Equal(report.Calls[0].ErrorMessage, ex.Message);
    }

    [Fact]
    public async Task ToResultContent_Succeeded_HasNoException()
    {
        var report = await new ParallelToolExecutor().ExecuteAsync([new ToolCallRequest("c1", "echo", new System.Collections.Generic.Dictionary<string, object?> { ["s"] = "x" }, Echo)]);

        Assert.Null(report.Calls[0].ToResultContent().Exception);
    }

    [Fact]
    public async Task ExecuteAsync_EmptyId_Runs()
    {
        var report = await new ParallelToolExecutor().ExecuteAsync([new ToolCallRequest("", "echo", new System.Collections.Generic.Dictionary<string, object?> { ["s"] = "x" }, Echo)]);

        Assert.Equal(ToolCallStatus.Succeeded, report.Calls[0].Status);
    }
}
