using System.Threading;
using System.Threading.Tasks;
using Microsoft.SemanticKernel;

namespace SemanticKernel.ParallelInvocation;

/// <summary>
/// Runs a call that Semantic Kernel has not delivered yet through the auto-function filters after <see cref="ParallelFunctionInvocationFilter"/>,
/// as Semantic Kernel would: each filter gets a <c>next</c> that calls the one after it, and the innermost step returns at once if
/// <c>Terminate</c> is set, else invokes the call's function with the arguments of the call's context and sets <c>Result</c>.
/// </summary>
internal static class InnerPipeline
{
    public static Task RunAsync(FilterBatch batch, BatchCall call, AutoFunctionInvocationContext context, CancellationToken cancellationToken) =>
        StepAsync(batch, call, context, batch.InnerStart, cancellationToken);

    private static async Task StepAsync(FilterBatch batch, BatchCall call, AutoFunctionInvocationContext context, int index, CancellationToken cancellationToken)
    {
        // The function-calls processor and Gemini walk the kernel's list; the IChatClient path reads it from the context passed to next.
        var filters = batch.Path == SkPath.ChatClient ? context.Kernel.AutoFunctionInvocationFilters : batch.Filters;
        if (index < filters.Count)
        {
            await filters[index].OnAutoFunctionInvocationAsync(context, c => StepAsync(batch, call, c, index + 1, cancellationToken)).ConfigureAwait(false);
            return;
        }

        if (context.Terminate)
        {
            return;
        }

        context.Result = await call.Function.InvokeAsync(batch.Kernel, call.RunContext!.Arguments, cancellationToken).ConfigureAwait(false);
    }
}
