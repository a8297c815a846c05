using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.AI;
using SemanticKernel.ParallelInvocation;

namespace ParallelSK.Benchmarks.ChatClient;

/// <summary>
/// One whole request through a tool loop: the model asks for <see cref="N"/> independent zero-latency calls, then answers. Microsoft's
/// <see cref="FunctionInvokingChatClient"/> with concurrent invocation is the baseline; ParallelSK's client runs the same batch, declared
/// read-only. Per-call columns divide by <see cref="N"/>.
/// </summary>
public class ChatClientRequestBenchmarks
{
    private static readonly List<ChatMessage> Ask = [new(ChatRole.User, "go")];
    private FunctionInvokingChatClient _microsoft = null!;
    private ParallelFunctionInvokingChatClient _parallel = null!;
    private ChatOptions _options = null!;

    [Params(1, 4, 16)]
    public int N { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _options = new ChatOptions { Tools = [AIFunctionFactory.Create(Echo, "lookup")] };
        _microsoft = new FunctionInvokingChatClient(new BatchModel(N)) { AllowConcurrentInvocation = true };
        _parallel = new BatchModel(N).AsParallelFunctionInvoking(o => o.Declare("lookup", FunctionEffects.ReadOnly));
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _microsoft.Dispose();
        _parallel.Dispose();
    }

    [Benchmark(Baseline = true, Description = "FunctionInvokingChatClient, concurrent")]
    public Task<ChatResponse> Microsoft() => _microsoft.GetResponseAsync(Ask, _options);

    [Benchmark(Description = "ParallelSK client, read-only")]
    public Task<ChatResponse> ParallelSK() => _parallel.GetResponseAsync(Ask, _options);

    private static Task<int> Echo(int id) => Task.FromResult(id);

    /// <summary>Answers a request without tool results with <c>n</c> calls, and one with results in text.</summary>
    private sealed class BatchModel(int n) : IChatClient
    {
        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
        {
            if (messages is IList<ChatMessage> { Count: > 0 } list && list[^1].Role == ChatRole.Tool)
            {
                // A new response each time: the tool loops put their messages into the last response they return.
                return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, "done")));
            }

            var calls = new List<AIContent>(n);
            for (int i = 0; i < n; i++)
            {
                calls.Add(new FunctionCallContent($"call_{i}", "lookup", new Dictionary<string, object?> { ["id"] = i }));
            }

            return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, calls)));
        }

        public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }
}
