using System;
using System.Collections.Concurrent;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.SemanticKernel;

namespace SemanticKernel.ParallelInvocation.SemanticKernelTests.FilterContract;

/// <summary>
/// The functions of the filter contract, declared with this library's attributes (so that, with ParallelSK, writes to one key keep their
/// order and everything else may run at once). Every function logs its run.
/// </summary>
public sealed class ContractPlugin
{
    public const string Name = "Contract";

    public ConcurrentQueue<string> Log { get; } = new();

    public ConcurrentDictionary<string, string> Store { get; } = new(StringComparer.Ordinal);

    /// <summary>Gets or sets what <see cref="Nest"/> does to process function calls again from inside its own run (a new request); null to stop.</summary>
    public Func<Kernel, Task<string>>? NestAsync { get; set; }

    /// <summary>Gets or sets how many levels <see cref="Nest"/> goes down.</summary>
    public int MaxDepth { get; set; }

    /// <summary>Gets how many times <see cref="Nest"/> ran: the levels reached.</summary>
    public int Levels => Volatile.Read(ref _levels);

    private int _levels;

    [KernelFunction, PureFunction]
    public string Echo(string text)
    {
        Log.Enqueue($"echo {text}");
        return text;
    }

    [KernelFunction, PureFunction]
    public string Fail(string text)
    {
        Log.Enqueue($"fail {text}");
        throw new InvalidOperationException($"boom {text}");
    }

    [KernelFunction, WritesResource("kv/{key}")]
    public async Task<string> Write(string key, string value)
    {
        // Gives way first, so that a call wrongly run alongside this write would overtake it.
        await Task.Yield();
        Log.Enqueue($"write {key}={value}");
        Store[key] = value;
        return $"{key}={value}";
    }

    [KernelFunction, ReadsResource("kv/{key}")]
    public string Read(string key)
    {
        Log.Enqueue($"read {key}");
        return Store.TryGetValue(key, out var value) ? value : "(none)";
    }

    /// <summary>Processes function calls again (a new request on the same kernel) from inside this call's run, <see cref="MaxDepth"/> levels deep.</summary>
    [KernelFunction, PureFunction]
    public async Task<string> Nest(Kernel kernel)
    {
        int level = Interlocked.Increment(ref _levels);
        Log.Enqueue($"nest {level}");
        if (level >= MaxDepth || NestAsync is not { } nest)
        {
            return $"bottom {level}";
        }

        return $"{level}: {await nest(kernel)}";
    }
}

/// <summary>An auto-function filter made of a delegate.</summary>
public sealed class DelegateFilter(Func<AutoFunctionInvocationContext, Func<AutoFunctionInvocationContext, Task>, Task> onInvocation) : IAutoFunctionInvocationFilter
{
    public Task OnAutoFunctionInvocationAsync(AutoFunctionInvocationContext context, Func<AutoFunctionInvocationContext, Task> next) => onInvocation(context, next);
}
