using System;
using Microsoft.SemanticKernel;

namespace SemanticKernel.ParallelInvocation;

/// <summary>Adds the plan tool (see <see cref="ParallelPlanTool"/>) to a kernel.</summary>
[System.Diagnostics.CodeAnalysis.Experimental(Experiments.PlanMode, UrlFormat = Experiments.UrlFormat)]
public static class KernelPlanExtensions
{
    /// <summary>The name of the plugin that holds the plan tool; the model sees the tool as <c>parallel-run_plan</c>.</summary>
    public const string PluginName = "parallel";

    /// <summary>
    /// Adds the plan tool as the function <see cref="PlanToolOptions.Name"/> of the plugin <see cref="PluginName"/>. Its steps call the
    /// kernel's other functions, by the names the model sees (<c>Plugin-Function</c>, or the function's own name where it is unique).
    /// </summary>
    /// <remarks>
    /// A call of the plan tool runs its steps as one nested batch through the kernel's <see cref="ParallelToolExecutor"/> (registered by
    /// <c>AddParallelFunctionInvocation</c>; without it, one with the default options): data edges between steps, conflict edges
    /// from the functions' declarations, limits, timeouts and approvals as for any batch, and every step through the kernel's
    /// function-invocation filters. Within the model's turn the plan call itself is planned as one exclusive call (its steps may touch
    /// anything), so the turn's other calls run before or after it, in the order the model emitted them; auto-function-invocation
    /// filters see the plan call, not its steps.
    /// </remarks>
    /// <param name="builder">The kernel builder.</param>
    /// <param name="configure">Configures the tool's name and limits.</param>
    /// <returns>The builder.</returns>
    public static IKernelBuilder AddParallelPlanTool(this IKernelBuilder builder, Action<PlanToolOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = new PlanToolOptions();
        configure?.Invoke(options);
        builder.Plugins.AddFromFunctions(PluginName, [KernelPlanFunction.Create(options)]);
        return builder;
    }
}
