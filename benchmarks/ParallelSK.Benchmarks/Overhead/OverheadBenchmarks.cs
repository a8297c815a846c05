using System.Collections.Generic;
using System.Threading.Tasks;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.AI;
using SemanticKernel.ParallelInvocation;

namespace ParallelSK.Benchmarks.Overhead;

/// <summary>
/// The price of planning and scheduling: one batch of <see cref="N"/> zero-latency async tools run three ways. Task.WhenAll is what
/// AllowConcurrentInvocation does; the await loop is Semantic Kernel's default. Every way invokes the same AIFunction the same way.
/// </summary>
public class OverheadBenchmarks
{
    private AIFunction _tool = null!;
    private ParallelToolExecutor _executor = null!;
    private Dictionary<string, object?>[] _arguments = [];
    private ToolCallRequest[] _requests = [];

    [Params(1, 4, 16, 64, 256)]
    public int N { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _tool = AIFunctionFactory.Create(Echo, "lookup", "Looks an item up.");
        _executor = new ParallelToolExecutor(new ParallelInvocationOptions().Declare("lookup", FunctionEffects.Reading("items/{id}")));
        _arguments = new Dictionary<string, object?>[N];
        _requests = new ToolCallRequest[N];
        for (int i = 0; i < N; i++)
        {
            _arguments[i] = new Dictionary<string, object?> { ["id"] = i };
            _requests[i] = new ToolCallRequest($"call_{i}", "lookup", _arguments[i], _tool);
        }
    }

    [Benchmark(Description = "sequential await loop")]
    public async Task<int> SequentialLoop()
    {
        int done = 0;
        foreach (var arguments in _arguments)
        {
            _ = await _tool.InvokeAsync(new AIFunctionArguments(arguments));
            done++;
        }

        return done;
    }

    [Benchmark(Baseline = true, Description = "Task.WhenAll")]
    public async Task<int> WhenAll()
    {
        var tasks = new Task<object?>[_arguments.Length];
        for (int i = 0; i < tasks.Length; i++)
        {
            tasks[i] = _tool.InvokeAsync(new AIFunctionArguments(_arguments[i])).AsTask();
        }

        return (await Task.WhenAll(tasks)).Length;
    }

    [Benchmark(Description = "ParallelSK engine")]
    public async Task<int> Engine() => (await _executor.ExecuteAsync(_requests)).Calls.Count;

    private static Task<int> Echo(int id) => Task.FromResult(id);
}
