using System;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.SemanticKernel;
using SemanticKernel.ParallelInvocation.SemanticKernelTests.Fakes;
using SemanticKernel.ParallelInvocation.Tests.Contract;

namespace SemanticKernel.ParallelInvocation.SemanticKernelTests.SemanticKernel;

/// <summary>
/// A request returns only once the reports of its batches exist (<see cref="ParallelInvocationOptions.OnBatchCompleted"/> has returned).
/// The callback holds on until the request returns, for at most a second: if the request could return first, the callback sees it and the
/// test fails; where it cannot, the callback gives up waiting, and only then may the request return.
/// </summary>
public sealed class BatchReportTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(1);

    public static TheoryData<Arrival, bool> Modes => new()
    {
        { Arrival.Concurrent, false },
        { Arrival.Concurrent, true },
        { Arrival.Sequential, false },
        { Arrival.Sequential, true },
    };

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task Request_OpenAI_ReturnsOnlyAfterItsBatchReportExists(Arrival arrival, bool streaming)
    {
        await using var server = new LocalModelServer();
        Script(server, streaming, '-');
        var probe = new ReturnProbe();
        var kernel = TestKernels.OpenAI(server, new Inventory(), configure: probe.Configure);

        await TestKernels.AskAsync(kernel, TestKernels.OpenAISettings(arrival), streaming);

        probe.AssertReportCameFirst();
    }

    [Fact]
    public async Task Request_ChatClientPath_ReturnsOnlyAfterItsBatchReportExists()
    {
        await using var server = new LocalModelServer();
        Script(server, streaming: false, '_');
        var probe = new ReturnProbe();
        var builder = Kernel.CreateBuilder();
        builder.AddOpenAIChatClient("gpt-4o", server.OpenAIEndpoint, apiKey: "test", httpClient: new HttpClient());
        builder.Plugins.Add(TestKernels.InventoryPlugin(new Inventory()));
        builder.AddParallelFunctionInvocation(probe.Configure);

        await builder.Build().InvokePromptAsync("Go.", new(TestKernels.OpenAISettings(Arrival.Sequential))).WaitAsync(TestKernels.SafetyNet);

        probe.AssertReportCameFirst();
    }

    private static void Script(LocalModelServer server, bool streaming, char separator)
    {
        WireCall[] calls =
        [
            new("c1", $"Inventory{separator}GetStock", """{"item":"apple"}"""),
            new("c2", $"Inventory{separator}SetStock", """{"item":"pear","quantity":2}"""),
            new("c3", $"Inventory{separator}Add", """{"a":1,"b":2}"""),
        ];
        if (streaming)
        {
            server.ThenSse(WireFormats.OpenAIStreamingToolCalls(calls)).ThenSse(WireFormats.OpenAIStreamingText("done"));
        }
        else
        {
            server.ThenJson(WireFormats.OpenAIToolCalls(calls)).ThenJson(WireFormats.OpenAIText("done"));
        }
    }

    /// <summary>Records whether the request had returned while the batch's report was being delivered.</summary>
    private sealed class ReturnProbe
    {
        private readonly ManualResetEventSlim _returned = new();
        private int _reports;
        private bool _returnedFirst;

        public void Configure(ParallelInvocationOptions options) => options.OnBatchCompleted = _ =>
        {
            _returnedFirst |= _returned.Wait(Patience);
            Interlocked.Increment(ref _reports);
        };

        public void AssertReportCameFirst()
        {
            bool reported = Volatile.Read(ref _reports) == 1;
            _returned.Set();
            Assert.True(reported, "The request returned before its batch report existed.");
            Assert.False(_returnedFirst, "The request returned while its batch report was being delivered.");
        }
    }
}
