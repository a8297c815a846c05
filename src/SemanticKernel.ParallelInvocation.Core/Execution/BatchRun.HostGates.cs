using System;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;

namespace SemanticKernel.ParallelInvocation.Execution;

// Asking the host: approvals (requested at once) and delivery gates (asked when the call is ready). See BatchRun.cs for the whole.
internal sealed partial class BatchRun
{
    /// <summary>
    /// Awaits a host's yes or no about a call (its approval, its delivery) under the batch's cancellation. A host that throws says no,
    /// with <paramref name="failureMessage"/> for the model; cancellation says no with <see cref="ToolCallStatus.Cancelled"/>. An answer
    /// still pending when the batch is cancelled is observed when it comes: if it fails then, the failure is logged, never left unobserved.
    /// </summary>
    private async Task<(bool Yes, ToolCallStatus? Failed)> AskHostAsync<TState>(
        ToolCallOutcome outcome, Func<TState, CancellationToken, ValueTask<bool>> ask, TState state, string failureMessage, string callback)
    {
        Task<bool> answer;
        try
        {
            var pending = ask(state, CancellationToken);
            if (pending.IsCompletedSuccessfully)
            {
                return (pending.Result, null);
            }

            answer = pending.AsTask();
        }
        catch (Exception ex)
        {
            return Failed(ex);
        }

        try
        {
            return (await answer.WaitAsync(CancellationToken).ConfigureAwait(false), null);
        }
        catch (Exception ex) when (CancellationToken.IsCancellationRequested)
        {
            outcome.Exception = ex as OperationCanceledException ?? new OperationCanceledException("The batch was cancelled.", ex, CancellationToken);
            if (!answer.IsCompleted)
            {
                ObserveLateFailure(answer, callback, outcome.Index);
            }

            return (false, ToolCallStatus.Cancelled);
        }
        catch (Exception ex)
        {
            return Failed(ex);
        }

        (bool, ToolCallStatus?) Failed(Exception ex)
        {
            if (CancellationToken.IsCancellationRequested)
            {
                outcome.Exception = new OperationCanceledException("The batch was cancelled.", ex, CancellationToken);
                return (false, ToolCallStatus.Cancelled);
            }

            outcome.Exception = ex;
            outcome.ErrorMessage = failureMessage;
            Observer.HostCallbackFailed(callback, outcome.Index, ex);
            return (false, null);
        }
    }

    /// <summary>A host answer nobody waits for any more: its failure, if it fails, is logged instead of going unobserved.</summary>
    private void ObserveLateFailure(Task answer, string callback, int index) =>
        _ = answer.ContinueWith(
            static (t, s) =>
            {
                var (run, callback, index) = ((BatchRun, string, int))s!;
                run.Observer.HostCallbackFailed(callback, index, t.Exception!.GetBaseException());
            },
            (this, callback, index),
            CancellationToken.None,
            TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);

    private async Task RequestApprovalAsync(CallRun call)
    {
        var outcome = call.Outcome;
        var request = outcome.Request;
        var (approved, failed) = await AskHostAsync(
            outcome,
            static (c, token) =>
            {
                var r = c.Request;
                return c.Batch.Options.ApprovalHandler!(new ApprovalRequest(r.CallId, r.Name, r.Arguments, r.Function!, c.Effects!.Declaration), token);
            },
            call,
            $"Error: the approval of the call to '{request.Name}' failed, so it did not run.",
            nameof(ParallelInvocationOptions.ApprovalHandler)).ConfigureAwait(false);

        lock (_gate)
        {
            call.AwaitingApproval = false;
            if (call.Phase == CallPhase.Done)
            {
                return;
            }

            if (!approved)
            {
                outcome.ErrorMessage ??= failed is null ? NotApprovedMessage(request.Name, null) : null;
                DecideLocked(call, failed ?? ToolCallStatus.Rejected);
            }
            else if (CancelledLocked)
            {
                FinishLocked(call, ToolCallStatus.Cancelled);
            }
            else if (call.Halted)
            {
                DecideLocked(call, ToolCallStatus.Skipped);
            }
            else if (call.Remaining == 0)
            {
                if (call.SkipCause is not null)
                {
                    FinishLocked(call, ToolCallStatus.Skipped);
                }
                else
                {
                    ReleaseLocked(call);
                }
            }

            ScheduleLocked();
            CompleteIfDoneLocked();
        }

        CompleteIfDone();
    }

    /// <summary>
    /// Awaits the delivery gate of a call that is otherwise ready. It holds no concurrency slot meanwhile, and its queue and run times
    /// start only once delivery is confirmed. Not delivered: Rejected, which does not skip the calls ordered after it.
    /// </summary>
    public async Task AwaitDeliveryAsync(CallRun call)
    {
        var outcome = call.Outcome;
        string name = outcome.Name;
        var (delivered, failed) = await AskHostAsync(
            outcome,
            static (gate, token) => gate(token),
            outcome.Request.DeliveryGate!,
            $"Error: the delivery of the call to '{name}' could not be confirmed, so it did not run.",
            nameof(ToolCallRequest.DeliveryGate)).ConfigureAwait(false);

        lock (_gate)
        {
            Debug.Assert(call.Phase == CallPhase.AwaitingDelivery, "A call awaiting delivery is decided only here.");
            if (call.Halted && failed is null)
            {
                // Halted while it waited: skipped with the halt's message, whether or not the host then delivered it.
                FinishLocked(call, ToolCallStatus.Skipped);
            }
            else if (!delivered)
            {
                outcome.ErrorMessage ??= failed is null ? $"Error: the call to '{name}' was rejected before it could run." : null;
                FinishLocked(call, failed ?? ToolCallStatus.Rejected);
            }
            else if (CancelledLocked)
            {
                FinishLocked(call, ToolCallStatus.Cancelled);
            }
            else
            {
                EnqueueLocked(call);
            }

            ScheduleLocked();
            CompleteIfDoneLocked();
        }

        CompleteIfDone();
    }
}
