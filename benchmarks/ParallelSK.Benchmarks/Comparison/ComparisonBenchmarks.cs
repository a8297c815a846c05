using System.Collections.Generic;
using System.Threading.Tasks;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.AI;
using SemanticKernel.ParallelInvocation;

namespace ParallelSK.Benchmarks.Comparison;

/// <summary>
/// One batch of <see cref="N"/> zero-latency calls, side by side: the <c>Task.WhenAll</c> floor, Microsoft's
/// <c>FunctionInvokingChatClient</c> (concurrent and serial) and ParallelSK's client through one whole request (model turn with the
/// calls, tool message, final answer), and the ParallelSK engine alone. Every way invokes the same <c>AIFunctionFactory</c> tool.
/// <see cref="ParallelInvocationOptions.RunReadyCallsOnCallingThread"/> decides where ready calls start: left unset, the client runs
/// them on the calling thread (as <c>FunctionInvokingChatClient</c>'s concurrent mode does) and the engine used directly on the pool;
/// the "every call on the pool" client rows and the "ready calls on the calling thread" engine row set it.
/// </summary>
public class ComparisonBenchmarks
{
    private readonly ChatMessage[] _prompt = [new(ChatRole.User, "look these up")];
    private AIFunction _tool = null!;
    private ChatOptions _chatOptions = null!;
    private Dictionary<string, object?>[] _arguments = [];
    private ToolCallRequest[] _requests = [];
    private IChatClient _ficcConcurrent = null!;
    private IChatClient _ficcSerial = null!;
    private IChatClient _parallelReadOnly = null!;
    private IChatClient _parallelDistinctWrites = null!;
    private IChatClient _parallelReadOnlyPool = null!;
    private IChatClient _parallelDistinctWritesPool = null!;
    private ParallelToolExecutor _engine = null!;
    private ParallelToolExecutor _engineHere = null!;

    [Params(1, 4, 16, 64)]
    public int N { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _tool = AIFunctionFactory.Create(Lookup, "lookup", "Looks an item up.");
        _chatOptions = new ChatOptions { Tools = [_tool] };
        _arguments = new Dictionary<string, object?>[N];
        _requests = new ToolCallRequest[N];
        for (int i = 0; i < N; i++)
        {
            _arguments[i] = new Dictionary<string, object?> { ["id"] = i };
            _requests[i] = new ToolCallRequest($"call_{i}", "lookup", _arguments[i], _tool);
        }

        var model = new ScriptedChatClient(N);
        _ficcConcurrent = new FunctionInvokingChatClient(model) { AllowConcurrentInvocation = true };
        _ficcSerial = new FunctionInvokingChatClient(model) { AllowConcurrentInvocation = false };
        _parallelReadOnly = model.AsParallelFunctionInvoking(o => o.Declare("lookup", FunctionEffects.ReadOnly));
        _parallelDistinctWrites = model.AsParallelFunctionInvoking(o => o.Declare("lookup", FunctionEffects.Writing("items/{id}")));
        _parallelReadOnlyPool = model.AsParallelFunctionInvoking(o => { o.RunReadyCallsOnCallingThread = false; o.Declare("lookup", FunctionEffects.ReadOnly); });
        _parallelDistinctWritesPool = model.AsParallelFunctionInvoking(o => { o.RunReadyCallsOnCallingThread = false; o.Declare("lookup", FunctionEffects.Writing("items/{id}")); });
        _engineHere = new ParallelToolExecutor(new ParallelInvocationOptions { RunReadyCallsOnCallingThread = true }.Declare("lookup", FunctionEffects.ReadOnly));
        _engine = new ParallelToolExecutor(new ParallelInvocationOptions().Declare("lookup", FunctionEffects.ReadOnly));
    }

    [Benchmark(Baseline = true, Description = "Task.WhenAll floor")]
    public async Task<int> WhenAll()
    {
        var tasks = new Task<object?>[_arguments.Length];
        for (int i = 0; i < tasks.Length; i++)
        {
            tasks[i] = _tool.InvokeAsync(new AIFunctionArguments(_arguments[i])).AsTask();
        }

        return (await Task.WhenAll(tasks)).Length;
    }

    [Benchmark(Description = "FICC concurrent")]
    public async Task<int> FiccConcurrent() => (await _ficcConcurrent.GetResponseAsync(_prompt, _chatOptions)).Messages.Count;

    [Benchmark(Description = "FICC serial")]
    public async Task<int> FiccSerial() => (await _ficcSerial.GetResponseAsync(_prompt, _chatOptions)).Messages.Count;

    [Benchmark(Description = "ParallelSK client, ReadOnly")]
    public async Task<int> ParallelReadOnly() => (await _parallelReadOnly.GetResponseAsync(_prompt, _chatOptions)).Messages.Count;

    [Benchmark(Description = "ParallelSK client, writes on distinct keys")]
    public async Task<int> ParallelDistinctWrites() => (await _parallelDistinctWrites.GetResponseAsync(_prompt, _chatOptions)).Messages.Count;

    [Benchmark(Description = "ParallelSK client, ReadOnly, every call on the pool")]
    public async Task<int> ParallelReadOnlyPool() => (await _parallelReadOnlyPool.GetResponseAsync(_prompt, _chatOptions)).Messages.Count;

    [Benchmark(Description = "ParallelSK client, writes on distinct keys, every call on the pool")]
    public async Task<int> ParallelDistinctWritesPool() => (await _parallelDistinctWritesPool.GetResponseAsync(_prompt, _chatOptions)).Messages.Count;

    [Benchmark(Description = "ParallelSK engine alone, ReadOnly, ready calls on the calling thread")]
    public async Task<int> EngineHere() => (await _engineHere.ExecuteAsync(_requests)).Calls.Count;

    [Benchmark(Description = "ParallelSK engine alone, ReadOnly")]
    public async Task<int> Engine() => (await _engine.ExecuteAsync(_requests)).Calls.Count;

    private static Task<int> Lookup(int id) => Task.FromResult(id);
}
