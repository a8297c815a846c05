using System;
using System.Collections.Concurrent;
using System.Linq;
using System.Text.Json;
using System.Threading.Tasks;
using SemanticKernel.ParallelInvocation.SemanticKernelTests.Fakes;
using SemanticKernel.ParallelInvocation.Tests.Contract;

namespace SemanticKernel.ParallelInvocation.SemanticKernelTests.Connectors;

/// <summary>
/// Semantic Kernel's real Gemini connector (calls without ids, always delivered to the filters one at a time) against a local server
/// replaying <c>generateContent</c> responses with several <c>functionCall</c> parts. What every host must do is in the contract
/// (<c>GeminiConnectorContractTests</c>); these are the Gemini-specific cases.
/// </summary>
public sealed class GeminiConnectorTests
{
    [Fact]
    public async Task Batch_GeminiConnector_ReportsTheGeminiDiagnostic()
    {
        await using var server = new LocalModelServer();
        var plugin = new Inventory();
        var reports = new ConcurrentQueue<BatchReport>();
        server.ThenJson(WireFormats.GeminiFunctionCalls(new("", "Inventory_Add", """{"a":1,"b":2}"""), new("", "Inventory_Add", """{"a":3,"b":4}""")))
            .ThenJson(WireFormats.GeminiText("done"));

        await TestKernels.AskAsync(GeminiKernels.Gemini(server, plugin, configure: TestKernels.CollectReports(reports)), GeminiKernels.GeminiSettings(), streaming: false);

        var report = Assert.Single(reports);
        Assert.All(report.Calls, o => Assert.Equal(ToolCallStatus.Succeeded, o.Status));
        Assert.Contains(report.Diagnostics, d => d.Contains("Gemini", StringComparison.Ordinal));
    }

    [Fact]
    public async Task WriteTheConnectorRejects_BeforeAReadOfTheSameKey_NeitherRunsNorSkipsTheRead()
    {
        await using var server = new LocalModelServer();
        var plugin = new Inventory();
        plugin.Stock["apple"] = 3;
        server.ThenJson(WireFormats.GeminiFunctionCalls(
                new("", "Inventory_SetStock", """{"item":"apple","quantity":9}"""),
                new("", "Inventory_GetStock", """{"item":"apple"}""")))
            .ThenJson(WireFormats.GeminiText("done"));
        var kernel = GeminiKernels.Gemini(server, plugin);
        var settings = GeminiKernels.GeminiSettings();
        settings.FunctionChoiceBehavior = Microsoft.SemanticKernel.FunctionChoiceBehavior.Auto([TestKernels.Function(kernel, "GetStock")]);

        await TestKernels.AskAsync(kernel, settings, streaming: false);

        Assert.Equal([("Inventory_GetStock", "3")], FunctionResponses(server));
        Assert.Equal(["get apple"], plugin.Log);
    }

    /// <summary>
    /// A writing call on Gemini cannot run before Semantic Kernel delivers it (its filter invocation, which comes only after the slow
    /// read's). That wait is not its run time: it starts, and is queued, only once delivered, so the timeline shows its real cost.
    /// </summary>
    [Fact]
    public async Task DeferredWrite_DeliveredAfterSlowRead_WaitForDeliveryIsNotRunTime()
    {
        await using var server = new LocalModelServer();
        var reports = new ConcurrentQueue<BatchReport>();
        server.ThenJson(WireFormats.GeminiFunctionCalls(new("", "Inventory_SlowRead", "{}"), new("", "Inventory_Write", "{}")))
            .ThenJson(WireFormats.GeminiText("done"));

        await TestKernels.AskAsync(GeminiKernels.Gemini(server, Microsoft.SemanticKernel.KernelPluginFactory.CreateFromObject(new SlowShop(), TestKernels.InventoryPluginName), configure: TestKernels.CollectReports(reports)), GeminiKernels.GeminiSettings(), streaming: false);

        var report = Assert.Single(reports);
        var (read, write) = (report.Calls[0], report.Calls[1]);
        Assert.All(report.Calls, o => Assert.Equal(ToolCallStatus.Succeeded, o.Status));
        Assert.True(write.QueuedAt >= read.FinishedAt, $"The write was queued at {write.QueuedAt}, before its delivery after the read ({read.FinishedAt}).");
        Assert.True(write.StartedAt >= read.FinishedAt);
        Assert.True(write.RunTime < read.RunTime, $"The write's run time {write.RunTime} counts its wait for delivery.");
    }

    /// <summary>The follow-up request's last content: one message whose parts are the function responses, in order.</summary>
    private static (string Name, string Content)[] FunctionResponses(LocalModelServer server)
    {
        Assert.Equal(2, server.Requests.Count);
        Assert.Contains(":generateContent", server.Requests[1].PathAndQuery, StringComparison.Ordinal);
        var contents = server.Requests[1].Body.GetProperty("contents").EnumerateArray().ToArray();
        Assert.Contains(contents[^2].GetProperty("parts").EnumerateArray(), p => p.TryGetProperty("functionCall", out _));
        return contents[^1].GetProperty("parts").EnumerateArray()
            .Where(p => p.TryGetProperty("functionResponse", out _))
            .Select(p => p.GetProperty("functionResponse"))
            .Select(r => (r.GetProperty("name").GetString()!, r.GetProperty("response").GetProperty("content").GetRawText()))
            .ToArray();
    }
}

/// <summary>A read that takes a while and an independent write (deferred on Gemini, where the advertised functions are unknown).</summary>
public sealed class SlowShop
{
    [Microsoft.SemanticKernel.KernelFunction]
    [ReadsResource("shelf")]
    public async Task<string> SlowRead()
    {
        await Task.Delay(300);
        return "read";
    }

    [Microsoft.SemanticKernel.KernelFunction]
    [WritesResource("till")]
    public string Write() => "written";
}
