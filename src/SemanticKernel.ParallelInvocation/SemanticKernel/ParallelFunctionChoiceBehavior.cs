using System.Collections.Generic;
using Microsoft.SemanticKernel;

namespace SemanticKernel.ParallelInvocation;

/// <summary>
/// Function-choice behaviors that let the model batch calls and let Semantic Kernel deliver them together.
/// <see cref="FunctionChoiceBehavior"/> cannot be subclassed outside Semantic Kernel, so these return Semantic Kernel's own Auto behavior
/// with <see cref="FunctionChoiceBehaviorOptions.AllowParallelCalls"/> and <see cref="FunctionChoiceBehaviorOptions.AllowConcurrentInvocation"/>
/// on, each with its own options object (Semantic Kernel's shared default options are never touched).
/// </summary>
public static class ParallelFunctionChoiceBehavior
{
    /// <summary>Returns an Auto behavior that allows parallel calls and concurrent invocation.</summary>
    /// <param name="functions">The functions to advertise; <see langword="null"/> for every function in the kernel.</param>
    /// <param name="autoInvoke">Whether Semantic Kernel invokes the functions the model calls.</param>
    /// <returns>The behavior to set on <see cref="PromptExecutionSettings.FunctionChoiceBehavior"/>.</returns>
    public static FunctionChoiceBehavior Auto(IEnumerable<KernelFunction>? functions = null, bool autoInvoke = true) =>
        FunctionChoiceBehavior.Auto(functions, autoInvoke, new FunctionChoiceBehaviorOptions
        {
            AllowParallelCalls = true,
            AllowConcurrentInvocation = true,
        });
}
