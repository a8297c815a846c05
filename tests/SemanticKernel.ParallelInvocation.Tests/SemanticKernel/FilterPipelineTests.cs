using System.Collections.Concurrent;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.SemanticKernel;
using SemanticKernel.ParallelInvocation.SemanticKernelTests.Fakes;
using SemanticKernel.ParallelInvocation.Tests.Contract;

namespace SemanticKernel.ParallelInvocation.SemanticKernelTests.SemanticKernel;

/// <summary>How other auto-function filters live with <see cref="ParallelFunctionInvocationFilter"/>, on the real OpenAI connector.</summary>
public sealed class FilterPipelineTests
{
    [Theory]
    [InlineData(Arrival.Concurrent)]
    [InlineData(Arrival.Sequential)]
    public async Task FilterRegisteredBefore_AnyArrival_SeesEveryCallAndItsResult(Arrival arrival)
    {
        await using var server = new LocalModelServer();
        var plugin = new Inventory();
        var outer = new RecordingFilter();
        Script(server);

        await TestKernels.AskAsync(
            TestKernels.OpenAI(server, plugin, before: b => b.Services.AddSingleton<IAutoFunctionInvocationFilter>(outer)),
            TestKernels.OpenAISettings(arrival),
            streaming: false);

        string[] expectedBefore = ["before c1", "before c2", "before c3"];
        string[] expectedAfter = ["after c1: apple=5", "after c2: 5", "after c3: 3"];
        Assert.Equal(expectedBefore, outer.Seen.Where(s => s.StartsWith("before", System.StringComparison.Ordinal)));
        Assert.Equal(expectedAfter, outer.Seen.Where(s => s.StartsWith("after", System.StringComparison.Ordinal)).Order(System.StringComparer.Ordinal));
        if (arrival == Arrival.Sequential)
        {
            Assert.Equal(["before c1", "after c1: apple=5", "before c2", "after c2: 5", "before c3", "after c3: 3"], outer.Seen);
        }
    }

    [Fact]
    public async Task FilterRegisteredAfter_CallsTheFilterRuns_NeverSeesThemAndIsReported()
    {
        await using var server = new LocalModelServer();
        var plugin = new Inventory();
        var inner = new RecordingFilter();
        var reports = new ConcurrentQueue<BatchReport>();
        Script(server);

        await TestKernels.AskAsync(
            TestKernels.OpenAI(server, plugin, configure: TestKernels.CollectReports(reports), after: b => b.Services.AddSingleton<IAutoFunctionInvocationFilter>(inner)),
            TestKernels.OpenAISettings(Arrival.Concurrent),
            streaming: false);

        Assert.Empty(inner.Seen);
        Assert.Equal(3, plugin.Log.Count);
        Assert.Contains(Assert.Single(reports).Diagnostics, d => d.Contains("not the last auto-function filter", System.StringComparison.Ordinal));
    }

    private static void Script(LocalModelServer server) =>
        server.ThenJson(WireFormats.OpenAIToolCalls(
                new("c1", "Inventory-SetStock", """{"item":"apple","quantity":5}"""),
                new("c2", "Inventory-GetStock", """{"item":"apple"}"""),
                new("c3", "Inventory-Add", """{"a":1,"b":2}""")))
            .ThenJson(WireFormats.OpenAIText("done"));
}
