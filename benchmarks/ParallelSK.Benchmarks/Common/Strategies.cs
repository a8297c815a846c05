using System.Collections.Generic;
using SemanticKernel.ParallelInvocation;

namespace ParallelSK.Benchmarks.Common;

/// <summary>The three ways a batch is run. All go through the same engine, so they pay the same overheads and differ only in ordering.</summary>
public enum Strategy
{
    /// <summary>Every function exclusive: one call at a time, in emitted order (Semantic Kernel's default).</summary>
    Sequential,

    /// <summary>Every function read-only: every call at once (Task.WhenAll, what AllowConcurrentInvocation does).</summary>
    Naive,

    /// <summary>The functions' true declarations.</summary>
    ParallelSK,
}

internal static class Strategies
{
    public static IReadOnlyList<Strategy> All { get; } = [Strategy.Sequential, Strategy.Naive, Strategy.ParallelSK];

    /// <summary>Options for <paramref name="strategy"/>, given each function's true declaration.</summary>
    public static ParallelInvocationOptions Options(Strategy strategy, IEnumerable<KeyValuePair<string, FunctionEffects>> declarations)
    {
        var options = new ParallelInvocationOptions { MaxBatchSize = 10_000 };
        foreach (var (name, effects) in declarations)
        {
            options.Declare(name, strategy switch
            {
                Strategy.Sequential => FunctionEffects.Exclusive,
                Strategy.Naive => FunctionEffects.ReadOnly,
                _ => effects,
            });
            if (strategy == Strategy.ParallelSK && effects.ConcurrencyGroup is { } group)
            {
                options.AddConcurrencyGroup(group, Makespan.Workload.ApiLimit);
            }
        }

        return options;
    }
}
