using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;

namespace SemanticKernel.ParallelInvocation.Execution;

// Asking the host: approvals (requested at once) and delivery gates (asked when the call is ready). See BatchRun.cs for the whole.
internal sealed partial class BatchRun
{
    /// <summary>
    /// Awaits a host's yes or no about a call (its approval, its delivery) under the batch's cancellation. A host that throws says no,
    /// with <paramref name="failureMessage"/> for the model; cancellation says no with <see cref="ToolCallStatus.Cancelled"/>.
    /// </summary>
    private async Task<(bool Yes, ToolCallStatus? Failed)> AskHostAsync(ToolCallOutcome outcome, Func<ValueTask<bool>> ask, string failureMessage)
    {
        try
        {
            return (await ask().AsTask().WaitAsync(_cancellationToken).ConfigureAwait(false), null);
        }
        catch (Exception ex) when (_cancellationToken.IsCancellationRequested)
        {
            outcome.Exception = ex;
            return (false, ToolCallStatus.Cancelled);
        }
        catch (Exception ex)
        {
            outcome.Exception = ex;
            outcome.ErrorMessage = failureMessage;
            return (false, null);
        }
    }

    private async Task RequestApprovalAsync(int i)
    {
        var outcome = _outcomes[i];
        var request = outcome.Request;
        var (approved, failed) = await AskHostAsync(
            outcome,
            () => _options.ApprovalHandler!(new ApprovalRequest(request.CallId, request.Name, request.Arguments, request.Function!, _effects[i]!.Declaration), _cancellationToken),
            $"Error: the approval of the call to '{request.Name}' failed, so it did not run.").ConfigureAwait(false);

        var toStart = new List<Launch>();
        lock (_gate)
        {
            _awaitingApproval[i] = false;
            if (_done[i])
            {
                return;
            }

            if (!approved)
            {
                outcome.ErrorMessage ??= failed is null ? NotApprovedMessage(request.Name, null) : null;
                DecideLocked(i, failed ?? ToolCallStatus.Rejected);
            }
            else if (_cancelled)
            {
                FinishLocked(i, ToolCallStatus.Cancelled);
            }
            else if (_skipCause[i] is not null && _remaining[i] == 0)
            {
                FinishLocked(i, ToolCallStatus.Skipped);
            }
            else if (_remaining[i] == 0)
            {
                MarkReadyLocked(i);
            }

            ScheduleLocked(toStart);
            CompleteIfDoneLocked();
        }

        StartAll(toStart);
    }

    /// <summary>
    /// Awaits the delivery gate of a call that is otherwise ready. It holds no concurrency slot meanwhile, and its queue and run times
    /// start only once delivery is confirmed. Not delivered: Rejected, which does not skip the calls ordered after it.
    /// </summary>
    private async Task AwaitDeliveryAsync(int i)
    {
        var outcome = _outcomes[i];
        string name = outcome.Name;
        var gate = outcome.Request.DeliveryGate!;
        var (delivered, failed) = await AskHostAsync(
            outcome,
            () => gate(_cancellationToken),
            $"Error: the delivery of the call to '{name}' could not be confirmed, so it did not run.").ConfigureAwait(false);

        var toStart = new List<Launch>();
        lock (_gate)
        {
            _awaitingDelivery[i] = false;
            Debug.Assert(!_done[i], "A call awaiting delivery is decided only here.");
            if (!delivered)
            {
                outcome.ErrorMessage ??= failed is null ? _batch.HaltCheck?.Invoke(outcome.Request) ?? $"Error: the call to '{name}' was rejected before it could run." : null;
                FinishLocked(i, failed ?? ToolCallStatus.Rejected);
            }
            else if (_cancelled)
            {
                FinishLocked(i, ToolCallStatus.Cancelled);
            }
            else
            {
                EnqueueLocked(i);
            }

            ScheduleLocked(toStart);
            CompleteIfDoneLocked();
        }

        StartAll(toStart);
    }
}
