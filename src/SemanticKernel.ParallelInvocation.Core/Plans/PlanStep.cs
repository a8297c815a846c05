using System.Collections.Generic;
using System.Linq;
using Microsoft.Extensions.AI;

namespace SemanticKernel.ParallelInvocation.Plans;

/// <summary>One step of a plan as the model wrote it, and, once validated, the function it calls.</summary>
/// <param name="Number">The step's number, counting from 1 in the order given.</param>
/// <param name="FunctionName">The function the step calls.</param>
/// <param name="Arguments">The step's arguments, in the order given.</param>
/// <param name="ForEach">The array the step fans out over, one call per element, or <see langword="null"/> for one call.</param>
internal sealed record PlanStep(int Number, string FunctionName, KeyValuePair<string, PlanArgument>[] Arguments, PlanReference? ForEach)
{
    /// <summary>Gets the function the step calls; set by validation.</summary>
    public AIFunction Function { get; init; } = null!;

    /// <summary>Gets every reference of the step: its arguments' and its <see cref="ForEach"/>.</summary>
    public IEnumerable<PlanReference> References =>
        ForEach is null ? Arguments.SelectMany(a => a.Value.References) : Arguments.SelectMany(a => a.Value.References).Append(ForEach);

    /// <summary>Gets the earlier steps whose output this step needs, ascending and distinct.</summary>
    public int[] Producers => [.. References.Where(r => !r.IsItem).Select(r => r.Step).Distinct().Order()];

    /// <summary>Gets a value indicating whether any argument's value is known only once an earlier step (or the element) is.</summary>
    public bool HasReferences => Arguments.Any(a => a.Value is not PlanArgument.Literal);
}
