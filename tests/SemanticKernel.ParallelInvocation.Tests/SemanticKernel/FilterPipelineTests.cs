using System.Collections.Concurrent;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.SemanticKernel;
using SemanticKernel.ParallelInvocation.SemanticKernelTests.Fakes;
using SemanticKernel.ParallelInvocation.Tests.Contract;

namespace SemanticKernel.ParallelInvocation.SemanticKernelTests.SemanticKernel;

/// <summary>Where <see cref="ParallelFunctionInvocationFilter"/> sits among the kernel's auto-function filters, on the real OpenAI connector.</summary>
public sealed class FilterPipelineTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void AddParallelFunctionInvocation_BeforeOrAfterOtherFilters_IsTheOutermostFilterOnce(bool registeredFirst)
    {
        var (first, second) = (new RecordingFilter(), new RecordingFilter());
        var builder = Kernel.CreateBuilder();
        if (registeredFirst)
        {
            builder.AddParallelFunctionInvocation();
        }

        builder.Services.AddSingleton<IAutoFunctionInvocationFilter>(first);
        builder.Services.AddSingleton<IAutoFunctionInvocationFilter>(second);
        builder.AddParallelFunctionInvocation();

        var filters = builder.Build().AutoFunctionInvocationFilters;

        Assert.Equal(3, filters.Count);
        Assert.IsType<ParallelFunctionInvocationFilter>(filters[0]);
        Assert.Same(first, filters[1]);
        Assert.Same(second, filters[2]);
    }

    [Theory]
    [InlineData(Arrival.Concurrent)]
    [InlineData(Arrival.Sequential)]
    public async Task OtherFilter_AnyArrival_SeesEveryCallOnceAroundItsResult(Arrival arrival)
    {
        await using var server = new LocalModelServer();
        var inner = new RecordingFilter();
        Script(server);

        await TestKernels.AskAsync(
            TestKernels.OpenAI(server, new Inventory(), before: b => b.Services.AddSingleton<IAutoFunctionInvocationFilter>(inner)),
            TestKernels.OpenAISettings(arrival),
            streaming: false);

        // Calls that do not conflict may run at the same time, so only each call's own order is fixed.
        var seen = inner.Seen.ToArray();
        Assert.Equal(6, seen.Length);
        foreach (var (id, result) in new[] { ("c1", "apple=5"), ("c2", "5"), ("c3", "3") })
        {
            int before = Assert.Single(Enumerable.Range(0, seen.Length), i => seen[i] == $"before {id}");
            int after = Assert.Single(Enumerable.Range(0, seen.Length), i => seen[i] == $"after {id}: {result}");
            Assert.True(before < after);
        }
    }

    /// <summary>
    /// A filter inserted before ParallelSK's after the kernel is built wraps only Semantic Kernel's deliveries: it still sees each call once,
    /// with its result, and the batch's report and <see cref="ParallelInvocationDiagnostics"/> say that it is not the outermost.
    /// </summary>
    [Fact]
    public async Task FilterInsertedBeforeItAfterBuild_SeesEachDeliveryOnceAndIsDiagnosed()
    {
        await using var server = new LocalModelServer();
        var outer = new RecordingFilter();
        var reports = new ConcurrentQueue<BatchReport>();
        Script(server);
        var kernel = TestKernels.OpenAI(server, new Inventory(), configure: TestKernels.CollectReports(reports));
        kernel.AutoFunctionInvocationFilters.Insert(0, outer);

        await TestKernels.AskAsync(kernel, TestKernels.OpenAISettings(Arrival.Concurrent), streaming: false);

        Assert.Equal(["after c1: apple=5", "after c2: 5", "after c3: 3"], outer.Seen.Where(s => s.StartsWith("after", System.StringComparison.Ordinal)).Order(System.StringComparer.Ordinal));
        Assert.Contains(Assert.Single(reports).Diagnostics, d => d.Contains("not the outermost", System.StringComparison.Ordinal));
        Assert.Contains(ParallelInvocationDiagnostics.Check(kernel, TestKernels.OpenAISettings(Arrival.Concurrent)), d => d.Contains("not the outermost", System.StringComparison.Ordinal));
    }

    private static void Script(LocalModelServer server) =>
        server.ThenJson(WireFormats.OpenAIToolCalls(
                new("c1", "Inventory-SetStock", """{"item":"apple","quantity":5}"""),
                new("c2", "Inventory-GetStock", """{"item":"apple"}"""),
                new("c3", "Inventory-Add", """{"a":1,"b":2}""")))
            .ThenJson(WireFormats.OpenAIText("done"));
}
