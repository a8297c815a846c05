using System;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;

namespace SemanticKernel.ParallelInvocation;

/// <summary>
/// Recovers the request's cancellation token on Semantic Kernel's IChatClient path (<c>KernelFunctionInvokingChatClient</c>), where
/// <see cref="AutoFunctionInvocationContext.CancellationToken"/> is always <c>default</c> and the caller's token exists only in the
/// closure of the auto-function filters' innermost step, which calls <c>Function.InvokeAsync(kernel, arguments, token)</c>.
/// <see cref="ParallelFunctionInvocationFilter"/> calls its <c>next</c> once with a probe context whose kernel has no auto-function filters
/// (that path reads the filters from the context passed to <c>next</c>), so the probe reaches the innermost step at once; the function is
/// invoked with the token, and this filter, the outermost function-invocation filter, records it and returns without calling <c>next</c>:
/// the function does not run and no other function-invocation filter sees the probe.
/// </summary>
internal sealed class CancellationProbeFilter : IFunctionInvocationFilter
{
    private static readonly AsyncLocal<Probe?> s_active = new();
    private static readonly ConditionalWeakTable<Kernel, Kernel> s_probeKernels = new();

    public Task OnFunctionInvocationAsync(FunctionInvocationContext context, Func<FunctionInvocationContext, Task> next)
    {
        if (s_active.Value is not { } probe || !probe.TryRecord(context.CancellationToken))
        {
            return next(context);
        }

        context.Result = new FunctionResult(context.Function, culture: context.Kernel.Culture);
        return Task.CompletedTask;
    }

    /// <summary>
    /// Calls <paramref name="next"/> once as a probe and returns the token Semantic Kernel invokes functions with, or null where this filter
    /// is not the kernel's first function-invocation filter (the probe would run the function through the others).
    /// </summary>
    public static async Task<CancellationToken?> RecoverAsync(AutoFunctionInvocationContext context, Func<AutoFunctionInvocationContext, Task> next)
    {
        if (context.Kernel.FunctionInvocationFilters is not { Count: > 0 } filters || filters[0] is not CancellationProbeFilter)
        {
            return null;
        }

        var kernel = s_probeKernels.GetValue(context.Kernel, static k =>
        {
            var clone = k.Clone();
            clone.AutoFunctionInvocationFilters.Clear();
            return clone;
        });
        var probeContext = new AutoFunctionInvocationContext(kernel, context.Function, new FunctionResult(context.Function), [], context.ChatMessageContent);
        var probe = new Probe();
        s_active.Value = probe;
        try
        {
            await next(probeContext).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return null; // the batch then runs without the request's token, as where the probe cannot be made
        }
        finally
        {
            s_active.Value = null;
        }

        return probe.Token;
    }

    private sealed class Probe
    {
        private int _recorded;

        public CancellationToken? Token { get; private set; }

        public bool TryRecord(CancellationToken token)
        {
            if (Interlocked.Exchange(ref _recorded, 1) != 0)
            {
                return false;
            }

            Token = token;
            return true;
        }
    }
}
