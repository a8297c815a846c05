using System.Collections.Generic;
using Microsoft.Extensions.AI;
using SemanticKernel.ParallelInvocation.Plans;

namespace SemanticKernel.ParallelInvocation;

/// <summary>
/// Creates the plan tool: a function through which the model submits, in one call, a small graph of function calls whose arguments
/// may use earlier calls' results (<c>$1</c>, <c>$1.items[0].id</c>) and fan out over arrays (<c>"for_each": "$1.items"</c>). The
/// steps run by the same rule as a batch: a step waits for the results it uses, steps that conflict keep the given order, the rest
/// run at once. The model gets one result listing each step's outcome, and joins them in its next turn.
/// </summary>
/// <remarks>
/// <para>
/// With <see cref="ParallelFunctionInvokingChatClient"/>, add the tool from <see cref="Create(PlanToolOptions?)"/> to
/// <see cref="ChatOptions.Tools"/>: the client expands a call to it into its steps, planned together with the other calls of the same
/// turn, at the plan call's position. A plan whose steps name unknown functions, reference missing or later steps, follow paths
/// their producers' output schemas lack, or break the limits of <see cref="PlanToolOptions"/> is rejected before anything runs,
/// with one error result listing every problem.
/// </para>
/// <para>Thread-safe: a plan tool may serve many requests at once.</para>
/// </remarks>
[System.Diagnostics.CodeAnalysis.Experimental(Experiments.PlanMode, UrlFormat = Experiments.UrlFormat)]
public static class ParallelPlanTool
{
    /// <summary>Creates the plan tool for <see cref="ParallelFunctionInvokingChatClient"/>; its steps call the tools of the request.</summary>
    /// <param name="options">The tool's name and limits; <see langword="null"/> for the defaults. Copied here.</param>
    /// <returns>The plan tool, to add to <see cref="ChatOptions.Tools"/>. Invoked outside the client it throws <see cref="System.InvalidOperationException"/>.</returns>
    public static AIFunction Create(PlanToolOptions? options = null) => new PlanToolFunction((options ?? new PlanToolOptions()).Clone());

    /// <summary>
    /// Creates a plan tool bound to <paramref name="functions"/>, usable with any host (for example Microsoft.Extensions.AI's
    /// <c>FunctionInvokingChatClient</c>): invoked, it runs the plan's steps as one batch through <paramref name="executor"/>. Within
    /// the host's own batch, a call to it is one call (plan it as exclusive unless you declare otherwise).
    /// </summary>
    /// <param name="functions">The functions a step may call, by name (the first of a name wins).</param>
    /// <param name="executor">The executor that runs the steps, with its declarations, limits, timeouts and approvals.</param>
    /// <param name="options">The tool's name and limits; <see langword="null"/> for the defaults. Copied here.</param>
    /// <returns>The plan tool.</returns>
    public static AIFunction Create(IEnumerable<AIFunction> functions, ParallelToolExecutor executor, PlanToolOptions? options = null)
    {
        System.ArgumentNullException.ThrowIfNull(functions);
        System.ArgumentNullException.ThrowIfNull(executor);
        return new PlanToolFunction((options ?? new PlanToolOptions()).Clone(), PlanToolFunction.Index(functions), executor);
    }
}
