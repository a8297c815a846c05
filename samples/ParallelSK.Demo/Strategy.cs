using System;
using System.Collections.Generic;
using Microsoft.Extensions.AI;
using SemanticKernel.ParallelInvocation;

namespace ParallelSK.Demo;

/// <summary>How the tool calls of each model turn are run.</summary>
internal enum Strategy
{
    /// <summary>One after another, in emitted order (Semantic Kernel's default).</summary>
    Sequential,

    /// <summary>All at once, whatever they touch (what <c>AllowConcurrentInvocation</c> does).</summary>
    Naive,

    /// <summary>By the functions' declared effects: independent calls at once, conflicting calls in emitted order.</summary>
    ParallelSK,
}

internal static class StrategyOptions
{
    /// <summary>
    /// All three strategies run through the same engine: sequential declares every function exclusive, naive declares every function
    /// read-only (nothing conflicts), ParallelSK uses the declarations on the tools themselves. Registrations win over attributes.
    /// </summary>
    public static ParallelInvocationOptions For(Strategy strategy, IEnumerable<AIFunction> tools, Action<BatchReport> onBatch)
    {
        var options = new ParallelInvocationOptions { IncludeDetailedErrors = true, OnBatchCompleted = onBatch };
        var forced = strategy switch
        {
            Strategy.Sequential => FunctionEffects.Exclusive,
            Strategy.Naive => FunctionEffects.ReadOnly,
            _ => null,
        };
        if (forced is not null)
        {
            foreach (var tool in tools)
            {
                options.Declare(tool.Name, forced);
            }
        }

        return options;
    }

    public static string Label(this Strategy strategy) => strategy switch
    {
        Strategy.Sequential => "sequential",
        Strategy.Naive => "naive concurrent",
        _ => "ParallelSK",
    };
}
