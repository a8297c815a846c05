using System.Collections.Generic;
using System.Linq;
using Microsoft.SemanticKernel;

namespace SemanticKernel.ParallelInvocation;

/// <summary>Names the settings that silently turn parallel tool calls off, or keep this library from seeing them.</summary>
public static class ParallelInvocationDiagnostics
{
    /// <summary>Checks a kernel and the settings a request will use.</summary>
    /// <param name="kernel">The kernel.</param>
    /// <param name="settings">The request's execution settings.</param>
    /// <returns>One sentence per problem found; empty when nothing stands in the way.</returns>
    public static string[] Check(Kernel kernel, PromptExecutionSettings? settings)
    {
        var found = new List<string>();
        if (kernel is not null && !kernel.AutoFunctionInvocationFilters.OfType<ParallelFunctionInvocationFilter>().Any())
        {
            found.Add("the kernel has no ParallelFunctionInvocationFilter: batches run as Semantic Kernel runs them. Call AddParallelFunctionInvocation() on the kernel builder.");
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
            found.Add("the Gemini connector ignores FunctionChoiceBehaviorOptions and delivers calls one at a time; ParallelFunctionInvocationFilter still runs independent calls of a batch together.");
        }

        return [.. found];
    }
}
