using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.SemanticKernel;

namespace SemanticKernel.ParallelInvocation;

/// <summary>
/// Recovers the request's cancellation token on Semantic Kernel's IChatClient path (<c>KernelFunctionInvokingChatClient</c>), where
/// <see cref="AutoFunctionInvocationContext.CancellationToken"/> is always <c>default</c> and the caller's token exists only in the
/// closure of the auto-function filters' innermost <c>next</c>. That callback calls
/// <c>Function.InvokeAsync(kernel, context.Arguments, token)</c>, which runs the kernel's function-invocation filters with
/// <see cref="FunctionInvocationContext.CancellationToken"/> set to that token. <see cref="ParallelFunctionInvocationFilter"/> calls
/// <c>next</c> once, with arguments carrying a private marker; this filter, registered as the outermost function-invocation filter,
/// recognises the marker, records the token, sets an empty result and does not call <c>next</c>: the function does not run and no
/// other function-invocation filter sees the probe.
/// </summary>
internal sealed class CancellationProbeFilter : IFunctionInvocationFilter
{
    private const string MarkerKey = "__ParallelSK.CancellationProbe";

    // Also identifies the probe should an outer auto-function filter hand Semantic Kernel a context other than ours (Semantic Kernel then
    // invokes the function with the original arguments, without the marker): the function must not run in either case.
    private static readonly AsyncLocal<Probe?> s_active = new();

    public Task OnFunctionInvocationAsync(FunctionInvocationContext context, Func<FunctionInvocationContext, Task> next)
    {
        var probe = context.Arguments.TryGetValue(MarkerKey, out object? marker) ? marker as Probe : null;
        probe ??= s_active.Value;
        if (probe is null || !probe.TryRecord(context.CancellationToken))
        {
            return next(context);
        }

        context.Result = new FunctionResult(context.Function, culture: context.Kernel.Culture);
        return Task.CompletedTask;
    }

    /// <summary>
    /// Calls <paramref name="next"/> once as a probe and returns the token Semantic Kernel invokes functions with, or null where it cannot
    /// be recovered: not the IChatClient path, this filter not the kernel's outermost function-invocation filter, or auto-function
    /// filters registered after <paramref name="self"/> (they would see the probe). The context's arguments and result are restored.
    /// </summary>
    public static async Task<CancellationToken?> RecoverAsync(
        AutoFunctionInvocationContext context, Func<AutoFunctionInvocationContext, Task> next, IAutoFunctionInvocationFilter self)
    {
        if (context.CancellationToken.CanBeCanceled || !IsChatClientPath(context)
            || context.Kernel.FunctionInvocationFilters.FirstOrDefault() is not CancellationProbeFilter
            || !ReferenceEquals(context.Kernel.AutoFunctionInvocationFilters.LastOrDefault(), self))
        {
            return null;
        }

        var probe = new Probe();
        Microsoft.Extensions.AI.FunctionInvocationContext baseContext = context;
        var arguments = baseContext.Arguments;
        var result = context.Result;
        baseContext.Arguments = new KernelArguments { [MarkerKey] = probe };
        s_active.Value = probe;
        try
        {
            await next(context).ConfigureAwait(false);
        }
        finally
        {
            s_active.Value = null;
            baseContext.Arguments = arguments;
            context.Result = result;
        }

        return probe.Token;
    }

    /// <summary>
    /// Whether the context comes from <c>KernelFunctionInvokingChatClient</c>: its options are the request's <c>ChatOptions</c>, whose
    /// tools include the function being called; the chat-completion connectors (whose contexts carry the request's token) build options
    /// without tools.
    /// </summary>
    private static bool IsChatClientPath(AutoFunctionInvocationContext context) => context.Options?.Tools is { Count: > 0 } && context.Messages is not null;

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
