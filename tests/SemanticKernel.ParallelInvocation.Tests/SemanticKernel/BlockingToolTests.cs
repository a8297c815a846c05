using System;
using System.Linq;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;
using SemanticKernel.ParallelInvocation.SemanticKernelTests.Fakes;

namespace SemanticKernel.ParallelInvocation.SemanticKernelTests.SemanticKernel;

/// <summary>
/// A tool that blocks its thread does not serialise the batch: delivered concurrently, the calls run on the delivering thread as Semantic
/// Kernel runs them, and a call that holds that thread must not keep the others (which wait for their deliveries) from running.
/// </summary>
public sealed class BlockingToolTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ConcurrentDelivery_FirstToolBlocksUntilTheSecondRan_BothComplete(bool streaming)
    {
        await using var server = new LocalModelServer();
        WireCall[] calls = [new("c1", "Gate-hold", "{}"), new("c2", "Gate-release", "{}"), new("c3", "Gate-release", "{}")];
        if (streaming)
        {
            server.ThenSse(WireFormats.OpenAIStreamingToolCalls(calls)).ThenSse(WireFormats.OpenAIStreamingText("done"));
        }
        else
        {
            server.ThenJson(WireFormats.OpenAIToolCalls(calls)).ThenJson(WireFormats.OpenAIText("done"));
        }

        var gate = new Gate();
        var builder = Kernel.CreateBuilder();
        builder.AddOpenAIChatCompletion("gpt-4o", server.OpenAIEndpoint, apiKey: "test", httpClient: new HttpClient());
        builder.Plugins.AddFromObject(gate, "Gate");
        builder.AddParallelFunctionInvocation();
        var history = new ChatHistory();

        var answer = await TestKernels.AskAsync(builder.Build(), TestKernels.OpenAISettings(Arrival.Concurrent), streaming, history);

        Assert.Equal("done", answer);
        var results = history.SelectMany(m => m.Items.OfType<FunctionResultContent>()).Select(r => $"{r.CallId}={r.Result}").ToArray();
        Assert.Equal(["c1=released", "c2=ok", "c3=ok"], results);
    }

    /// <summary>Two read-only tools: one blocks its thread until the other has run.</summary>
    public sealed class Gate
    {
        private readonly ManualResetEventSlim _released = new();

        [KernelFunction("hold")]
        [ReadOnlyFunction]
        public string Hold() => _released.Wait(TestKernels.SafetyNet) ? "released" : "timed out";

        [KernelFunction("release")]
        [ReadOnlyFunction]
        public string Release()
        {
            _released.Set();
            return "ok";
        }
    }
}
