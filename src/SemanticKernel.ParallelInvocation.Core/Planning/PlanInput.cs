using System;
using SemanticKernel.ParallelInvocation.Effects;

namespace SemanticKernel.ParallelInvocation.Planning;

/// <summary>One call as the planner sees it: the keys it reads and writes, and calls whose output it needs.</summary>
/// <param name="Reads">Keys the call reads.</param>
/// <param name="Writes">Keys the call writes.</param>
/// <param name="DataDependencies">Earlier calls (by index) whose output this call needs, whatever they touch; null for none.</param>
internal readonly record struct PlanInput(ResourceKey[] Reads, ResourceKey[] Writes, int[]? DataDependencies = null)
{
    /// <summary>A call that takes no part in ordering (rejected, or pure).</summary>
    public static PlanInput None { get; } = new([], []);

    /// <summary>
    /// Gets a value indicating whether the call's keys come from the default policy rather than a declaration: its edges only order
    /// (<see cref="DependencyKind.Order"/>), so a failure on either side never skips the other.
    /// </summary>
    public bool OrdersOnly { get; init; }

    public bool IsUnordered => Reads.Length == 0 && Writes.Length == 0 && (DataDependencies is null || DataDependencies.Length == 0);

    public static PlanInput Of(string[] reads, string[] writes) =>
        new(Array.ConvertAll(reads, ResourceKey.Parse), Array.ConvertAll(writes, ResourceKey.Parse));
}
