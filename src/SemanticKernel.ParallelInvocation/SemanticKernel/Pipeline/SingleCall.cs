using System;
using System.Runtime.ExceptionServices;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.SemanticKernel;

namespace SemanticKernel.ParallelInvocation;

/// <summary>
/// A call with nothing to run in parallel with (the only call of its message Semantic Kernel delivers, or one the batch did not predict):
/// the engine runs it as a batch of one, through Semantic Kernel's own <c>next</c>, so that it still gets the engine's approval, timeout,
/// limits and report. Where nothing else of the message waits on Semantic Kernel's loop (<c>runHere</c>), the call runs on the delivering
/// thread, as Semantic Kernel would run it (unless <see cref="ParallelInvocationOptions.RunReadyCallsOnCallingThread"/> says otherwise, or
/// the thread has a <see cref="SynchronizationContext"/>): a call that completes at once then costs no thread hop and no asynchronous
/// state in Semantic Kernel's loop.
/// </summary>
internal sealed class SingleCall(AutoFunctionInvocationContext context, Func<AutoFunctionInvocationContext, Task> next)
{
    private static readonly Func<ToolCallRequest, CancellationToken, ValueTask<object?>> s_invoke =
        static (request, _) => ((SingleCall)request.State!).InvokeAsync();

    private ExceptionDispatchInfo? _failure;

    public static async Task RunAsync(ParallelToolExecutor executor, AutoFunctionInvocationContext context, Func<AutoFunctionInvocationContext, Task> next, string[] diagnostics, bool runHere)
    {
        var single = new SingleCall(context, next);
        var batch = new ToolCallBatch([new ToolCallRequest(context.ToolCallId, context.Function.Name, context.Arguments, context.Function) { State = single, Invoker = s_invoke }])
        {
            HostAwaitsAtOnce = runHere,
        };
        for (int i = 0; i < diagnostics.Length; i++)
        {
            batch.Diagnostics.Add(diagnostics[i]);
        }

        var report = await executor.ExecuteAsync(batch, context.CancellationToken).ConfigureAwait(false);
        var outcome = report.Calls[0];
        switch (outcome.Status)
        {
            case ToolCallStatus.Succeeded:
                return;
            case ToolCallStatus.Failed when single._failure is { } failure:
                failure.Throw();
                return;
            case ToolCallStatus.Cancelled:
                throw outcome.Exception as OperationCanceledException ?? new OperationCanceledException(context.CancellationToken);
            default:
                context.Result = new FunctionResult(context.Function, outcome.ErrorMessage, context.Kernel.Culture);
                return;
        }
    }

    private async ValueTask<object?> InvokeAsync()
    {
        try
        {
            await next(context).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            _failure = ExceptionDispatchInfo.Capture(ex);
            throw;
        }

        return context.Result.GetValue<object>();
    }
}
