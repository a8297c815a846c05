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

    /// <summary>
    /// A filter inserted before ParallelSK's that does not call <c>next</c> for one call of a batch delivered concurrently: that call never
    /// reaches ParallelSK, so the batch must not wait for its delivery. The request completes, each id gets the result Semantic Kernel
    /// gives it (the outer filter's for the vetoed call), and the report says the vetoed call did not run. Without ParallelSK (the
    /// control) the results are the same.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task FilterInsertedBeforeItAfterBuild_VetoesTheMiddleCall_NoWaitAndEveryIdAnswered(bool withParallelSK)
    {
        await using var server = new LocalModelServer();
        server.ThenJson(WireFormats.OpenAIToolCalls(
                new("c1", "Echo-say", """{"text":"a"}"""),
                new("c2", "Echo-say", """{"text":"b"}"""),
                new("c3", "Echo-say", """{"text":"c"}""")))
            .ThenJson(WireFormats.OpenAIText("done"));
        var reports = new ConcurrentQueue<BatchReport>();
        var builder = Kernel.CreateBuilder();
        builder.AddOpenAIChatCompletion("gpt-4o", server.OpenAIEndpoint, apiKey: "test", httpClient: new System.Net.Http.HttpClient());
        builder.Plugins.AddFromObject(new Echo(), "Echo");
        if (withParallelSK)
        {
            builder.AddParallelFunctionInvocation(TestKernels.CollectReports(reports));
        }

        var kernel = builder.Build();
        kernel.AutoFunctionInvocationFilters.Insert(0, new VetoFilter("c2"));
        var history = new Microsoft.SemanticKernel.ChatCompletion.ChatHistory();

        var answer = await TestKernels.AskAsync(kernel, TestKernels.OpenAISettings(Arrival.Concurrent), streaming: false, history);

        Assert.Equal("done", answer);
        var results = history.SelectMany(m => m.Items.OfType<FunctionResultContent>()).Select(r => $"{r.CallId}={r.Result}").Order(System.StringComparer.Ordinal);
        Assert.Equal(["c1=a", "c2=vetoed", "c3=c"], results);
        if (withParallelSK)
        {
            var vetoed = Assert.Single(Assert.Single(reports).Calls, c => c.CallId == "c2");
            Assert.Equal(ToolCallStatus.Failed, vetoed.Status);
            Assert.Contains("did not deliver", vetoed.Exception?.Message, System.StringComparison.Ordinal);
        }
    }

    public sealed class Echo
    {
        [KernelFunction("say")]
        [ReadOnlyFunction]
        public string Say(string text) => text;
    }

    /// <summary>Does not call <c>next</c> for one call id: its result is "vetoed".</summary>
    private sealed class VetoFilter(string callId) : IAutoFunctionInvocationFilter
    {
        public Task OnAutoFunctionInvocationAsync(AutoFunctionInvocationContext context, System.Func<AutoFunctionInvocationContext, Task> next)
        {
            if (context.ToolCallId == callId)
            {
                context.Result = new FunctionResult(context.Function, "vetoed");
                return Task.CompletedTask;
            }

            return next(context);
        }
    }

    private static void Script(LocalModelServer server) =>
        server.ThenJson(WireFormats.OpenAIToolCalls(
                new("c1", "Inventory-SetStock", """{"item":"apple","quantity":5}"""),
                new("c2", "Inventory-GetStock", """{"item":"apple"}"""),
                new("c3", "Inventory-Add", """{"a":1,"b":2}""")))
            .ThenJson(WireFormats.OpenAIText("done"));
}
