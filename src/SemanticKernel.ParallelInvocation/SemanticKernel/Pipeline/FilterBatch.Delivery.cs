using System;
using System.Collections.Generic;
using System.Runtime.ExceptionServices;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.SemanticKernel;

namespace SemanticKernel.ParallelInvocation;

// Answering Semantic Kernel's deliveries from the runs. See FilterBatch.cs for the whole.
internal sealed partial class FilterBatch
{
    /// <summary>
    /// Answers Semantic Kernel's delivery of <paramref name="call"/> once its outcome is decided: its run's result, Terminate and exception
    /// (rethrown as it escaped the inner filters), or the engine's text where it did not run. The call that halted the batch, and the last
    /// call Semantic Kernel will deliver, are answered only once the batch's report exists.
    /// </summary>
    public Task DeliverAsync(BatchCall call, AutoFunctionInvocationContext context, Func<AutoFunctionInvocationContext, Task> next)
    {
        // Not an async method: a call run here that completes at once answers its delivery with no asynchronous state.
        if (Volatile.Read(ref _skippedUndelivered) is not null)
        {
            List<BatchCall>? skipped;
            lock (_gate)
            {
                skipped = _skippedUndelivered;
                _skippedUndelivered = null;
            }

            ReleaseUndelivered(skipped);
        }

        call.Arrival?.TrySetResult(true);
        if (call.Rendezvous && TakeWaiting(call) is { IsSet: true } waiting && RunDelivered(call, context, next, waiting) is { } answer)
        {
            return answer;
        }

        return AnswerAsync(call, context, next);
    }

    private async Task AnswerAsync(BatchCall call, AutoFunctionInvocationContext context, Func<AutoFunctionInvocationContext, Task> next)
    {
        var outcome = await OutcomeAsync(call).ConfigureAwait(false);
        int j = call.Index;
        int terminatedAt = Volatile.Read(ref _terminatedAt);
        if (terminatedAt >= 0 && j > terminatedAt)
        {
            // Gemini or the IChatClient path, delivering on after a Terminate the batch cleared: answered from the batch, no filter runs.
            AnswerAfterTerminate(context, call, outcome);
            if (j >= _answerUntil)
            {
                await FinishAsync(close: true).ConfigureAwait(false);
            }

            return;
        }

        if (call.Halted && Path == SkPath.Processor)
        {
            // Halted while it was unknown how the processor delivers; delivered now, it delivers concurrently and runs the call: so does this.
            await next(context).ConfigureAwait(false);
            return;
        }

        var failure = Answer(context, call, outcome);
        if (j == Volatile.Read(ref _haltedAt))
        {
            // Later deliveries still come where the batch asks for them, or where it is unknown how the processor delivers (concurrently,
            // it delivers every call): they must still find the batch.
            bool deliveriesFollow = await OnTerminatedAsync(context, j).ConfigureAwait(false);
            await FinishAsync(close: !deliveriesFollow && (Path != SkPath.Processor || _mode != DeliveryMode.Unknown)).ConfigureAwait(false);
        }
        else if (j == _lastIndex)
        {
            await FinishAsync(close: true).ConfigureAwait(false);
        }

        failure?.Throw();
    }

    /// <summary>Puts a call's outcome on Semantic Kernel's context; returns the exception to rethrow, if any.</summary>
    private ExceptionDispatchInfo? Answer(AutoFunctionInvocationContext context, BatchCall call, ToolCallOutcome outcome)
    {
        var run = call.RunContext;
        bool ownContext = ReferenceEquals(run, context);
        switch (outcome.Status)
        {
            case ToolCallStatus.Succeeded:
                if (!ownContext)
                {
                    context.Result = run!.Result;
                    context.Terminate = run.Terminate;
                }

                return null;
            case ToolCallStatus.Failed when call.Failure is { } failure:
                if (!ownContext)
                {
                    context.Terminate = run!.Terminate;
                }

                return failure;
            case ToolCallStatus.Cancelled:
                return ExceptionDispatchInfo.Capture(outcome.Exception as OperationCanceledException ?? new OperationCanceledException(_cancellationToken));
            default:
                context.Result = new FunctionResult(context.Function, outcome.ErrorMessage, context.Kernel.Culture);
                return null;
        }
    }

    /// <summary>Waits for the report, so that it exists before the last answer is released; closed, the batch takes no more deliveries.</summary>
    private async Task FinishAsync(bool close)
    {
        await ((Task)Run).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        if (!close)
        {
            return;
        }

        lock (_gate)
        {
            _finished = true; // the watchdog stops looking at its next look
        }

        // Unregistered at once: the registry's key (the assistant message) lives as long as the conversation.
        if (Registry is { } registry)
        {
            lock (registry)
            {
                registry.Remove(this);
            }
        }
    }

    /// <summary>Gets or sets the list of batches this one is registered in, under its key.</summary>
    public System.Collections.Generic.List<FilterBatch>? Registry { get; set; }
}
