using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.AI;
using SemanticKernel.ParallelInvocation;
using SemanticKernel.ParallelInvocation.ChatClient;

namespace ParallelSK.Benchmarks.ChatClient;

/// <summary>
/// What one call costs the chat-client middleware to start, now that it runs each call as <c>FunctionInvokingChatClient</c> does (a
/// <see cref="FunctionInvocationContext"/>, <see cref="FunctionInvokingChatClient.CurrentContext"/> set, through the invoker), against the
/// engine's default path it replaced (a copy of the arguments into new <see cref="AIFunctionArguments"/>). The middle row is the context
/// without the AsyncLocal, so the difference to the last row is what setting <see cref="FunctionInvokingChatClient.CurrentContext"/> costs.
/// One zero-latency call each.
/// </summary>
public class CallContextBenchmarks
{
    private readonly AIFunction _tool = AIFunctionFactory.Create(Echo, "lookup");
    private readonly Dictionary<string, object?> _arguments = new() { ["id"] = 7 };
    private ParallelFunctionInvokingChatClient _client = null!;
    private FunctionCallContent _call = null!;
    private CallScope _scope;

    [GlobalSetup]
    public void Setup()
    {
        _client = new ParallelFunctionInvokingChatClient(new NoModel());
        _call = new FunctionCallContent("call_1", "lookup", _arguments);
        _scope = new CallScope([], null, 0, false, false, null, _client.Invoker);
    }

    [GlobalCleanup]
    public void Cleanup() => _client.Dispose();

    [Benchmark(Baseline = true, Description = "engine default: arguments copied")]
    public ValueTask<object?> EngineDefault()
    {
        var request = new ToolCallRequest(_call.CallId, _call.Name, _arguments, _tool);
        var arguments = new AIFunctionArguments(request.Arguments.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal)) { Services = request.Services };
        return request.Function!.InvokeAsync(arguments, CancellationToken.None);
    }

    [Benchmark(Description = "context, no CurrentContext")]
    public ValueTask<object?> ContextOnly()
    {
        var context = _scope.CreateContext(_call, _tool, 0, 1);
        var request = new ToolCallRequest(_call.CallId, _call.Name, context.Arguments, _tool) { State = context, Invoker = _scope.Invoker };
        return ((FunctionInvocationContext)request.State!).Function.InvokeAsync(context.Arguments, CancellationToken.None);
    }

    [Benchmark(Description = "context + CurrentContext (the middleware)")]
    public ValueTask<object?> ContextAndCurrentContext()
    {
        var context = _scope.CreateContext(_call, _tool, 0, 1);
        var request = new ToolCallRequest(_call.CallId, _call.Name, context.Arguments, _tool) { State = context, Invoker = _scope.Invoker };
        return request.Invoker!(request, CancellationToken.None);
    }

    private static Task<int> Echo(int id) => Task.FromResult(id);

    private sealed class NoModel : IChatClient
    {
        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }
}
