using System.Collections.Generic;
using Microsoft.SemanticKernel;

namespace SemanticKernel.ParallelInvocation;

/// <summary>Names the settings that silently turn parallel tool calls off, or keep this library from seeing them.</summary>
public static class ParallelInvocationDiagnostics
{
    internal const string NotOutermost = "ParallelFunctionInvocationFilter is not the outermost auto-function filter: a filter before it in Kernel.AutoFunctionInvocationFilters (e.g. one inserted at index 0 after the kernel was built) wraps only Semantic Kernel's delivery of each call, not the run, which may come earlier: its argument changes, vetoes and Terminate do not reach calls already run. Register filters through the kernel's services; AddParallelFunctionInvocation puts this one first.";

    internal const string GeminiDelivery = "the Gemini connector ignores FunctionChoiceBehaviorOptions, delivers calls one at a time and does not tell filters which functions it advertised: ParallelFunctionInvocationFilter still runs calls that only read together, but a call that writes waits until the connector delivers it.";

    /// <summary>Checks a kernel and the settings a request will use.</summary>
    /// <param name="kernel">The kernel.</param>
    /// <param name="settings">The request's execution settings.</param>
    /// <returns>One sentence per problem found; empty when nothing stands in the way.</returns>
    public static string[] Check(Kernel kernel, PromptExecutionSettings? settings)
    {
        var found = new List<string>();
        if (kernel is not null)
        {
            var filters = kernel.AutoFunctionInvocationFilters;
            int index = 0;
            while (index < filters.Count && filters[index] is not ParallelFunctionInvocationFilter)
            {
                index++;
            }

            if (index == filters.Count)
            {
                found.Add("the kernel has no ParallelFunctionInvocationFilter: batches run as Semantic Kernel runs them. Call AddParallelFunctionInvocation() on the kernel builder.");
            }
            else if (index > 0)
            {
                found.Add(NotOutermost);
            }
        }

        var behavior = settings?.FunctionChoiceBehavior;
        if (behavior is null)
        {
            return [.. found];
        }

        var configuration = behavior.GetConfiguration(new FunctionChoiceBehaviorConfigurationContext([]) { Kernel = kernel });
        var options = configuration.Options;
        if (options.AllowParallelCalls is false)
        {
            found.Add("FunctionChoiceBehaviorOptions.AllowParallelCalls is false: the model is told not to batch calls. Use ParallelFunctionChoiceBehavior.Auto().");
        }

        if (options.AllowStrictSchemaAdherence)
        {
            found.Add("FunctionChoiceBehaviorOptions.AllowStrictSchemaAdherence is on: OpenAI documents that strict function schemas and parallel tool calls do not mix, so the model will call one function per turn.");
        }

        if (behavior is RequiredFunctionChoiceBehavior && configuration.Functions is { Count: 1 })
        {
            found.Add("FunctionChoiceBehavior.Required with a single function: the model is forced to call that one function, so there is nothing to run in parallel.");
        }

        if (settings!.GetType().Name.Contains("Gemini", System.StringComparison.Ordinal))
        {
            found.Add(GeminiDelivery);
        }

        return [.. found];
    }
}
