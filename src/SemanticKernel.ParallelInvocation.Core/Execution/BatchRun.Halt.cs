using System;

namespace SemanticKernel.ParallelInvocation.Execution;

// A host stopping the batch from starting more calls (Semantic Kernel's Terminate). See BatchRun.cs for the whole.
internal sealed partial class BatchRun
{
    private HaltRequest? _halt;

    /// <summary>
    /// Stops the batch from starting more calls (<see cref="ToolCallBatch.Halt"/>): every call whose function has not started and whose
    /// outcome is not decided ends <see cref="ToolCallStatus.Skipped"/>, with <see cref="ToolCallOutcome.SkippedBecauseOf"/> the halt's
    /// cause and the host's message, except the calls the host exempts. Running calls finish; a call waiting for its approval or its
    /// delivery ends skipped when that wait ends; a call waiting for its group's permit stops waiting. Idempotent: only the first halt
    /// counts. Safe from anywhere, an invoker or <see cref="ToolCallBatch.OnCallCompleted"/> included.
    /// </summary>
    public void Halt(HaltRequest request)
    {
        lock (_gate)
        {
            HaltLocked(request);
            ScheduleLocked();
            CompleteIfDoneLocked();
        }

        CompleteIfDone();
    }

    private void HaltLocked(HaltRequest request)
    {
        if (_halt is not null)
        {
            return;
        }

        _halt = request;
        foreach (var call in _calls)
        {
            // Decided, or already bound to be skipped or refused: those outcomes stand.
            if (call.Phase == CallPhase.Done || call.SkipCause is not null || call.DecidedEarly is not null || request.Exempts(call.Outcome, Observer))
            {
                continue;
            }

            if (call.Phase == CallPhase.Launched && !call.TryStopBeforeStart())
            {
                continue; // its function is running: it finishes
            }

            call.Halted = true;
            call.HaltMessage = request.MessageFor(call.Outcome, Observer);
            if (call.Phase == CallPhase.Queued || call.Phase == CallPhase.Waiting && call.Remaining == 0 && !call.AwaitingApproval)
            {
                FinishLocked(call, ToolCallStatus.Skipped); // its predecessors are done: nothing can overtake anything
            }

            // Waiting calls end when their predecessors are done (a halted call must not release a later call early); launched ones end
            // in their own work, calls waiting for approval or delivery when that wait ends.
        }
    }
}

/// <summary>A host's request to stop a batch from starting more calls; see <see cref="BatchRun.Halt"/>.</summary>
/// <param name="CauseIndex">The call that made the host halt the batch, named in every skipped call's outcome.</param>
/// <param name="Message">The error result of each call the halt skips.</param>
/// <param name="Exempt">Calls that go on as if there were no halt; evaluated once per call, under the batch's lock, at the halt.</param>
internal sealed record HaltRequest(int CauseIndex, Func<ToolCallOutcome, string> Message, Func<ToolCallOutcome, bool>? Exempt = null)
{
    internal bool Exempts(ToolCallOutcome outcome, Reporting.IExecutionObserver observer)
    {
        if (Exempt is null)
        {
            return false;
        }

        try
        {
            return Exempt(outcome);
        }
        catch (Exception ex)
        {
            observer.HostCallbackFailed("halt exemption", outcome.Index, ex);
            return false;
        }
    }

    internal string MessageFor(ToolCallOutcome outcome, Reporting.IExecutionObserver observer)
    {
        try
        {
            return Message(outcome);
        }
        catch (Exception ex)
        {
            observer.HostCallbackFailed("halt message", outcome.Index, ex);
            return $"Error: the call to '{outcome.Name}' did not run: the turn was ended by call #{CauseIndex}.";
        }
    }
}
