using System.Collections.Generic;
using SemanticKernel.ParallelInvocation;

namespace ParallelSK.Benchmarks.Makespan;

/// <summary>A simulated tool: its name, what it does to the store, and its true declaration (templates over the argument <c>key</c>).</summary>
internal sealed record ToolDef(string Name, SimKind Kind, FunctionEffects Effects);

/// <summary>One call of a batch, in emitted order: which tool, on which key, taking how long.</summary>
internal sealed record Step(string Tool, string Key, int Ms);

/// <summary>One workload shape: a batch of calls over tools with simulated latencies, and the store it starts from.</summary>
internal sealed record Workload(string Name, IReadOnlyList<ToolDef> Tools, IReadOnlyList<Step> Steps, IReadOnlyDictionary<string, long> Seed)
{
    /// <summary>The concurrency limit of the rate-limited API (and of the <c>search</c> group that declares it).</summary>
    public const int ApiLimit = 2;
}
