using System;
using System.Buffers;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;
using SemanticKernel.ParallelInvocation.Effects;
using SemanticKernel.ParallelInvocation.Planning;
using SemanticKernel.ParallelInvocation.Reporting;

namespace SemanticKernel.ParallelInvocation.Execution;

/// <summary>
/// One batch being run. Each call's state lives in its <see cref="CallRun"/>; the scheduling part of it is guarded by
/// <see cref="_gate"/>, and functions never run under it. Each outcome is decided exactly once (<see cref="CallPhase.Done"/>), by
/// whichever party owns the call at that moment: the scheduler (rejected, skipped, cancelled or halted before start), the approval
/// continuation, the delivery continuation, or the call's own work.
/// </summary>
/// <remarks>
/// Work released under the lock (a call to start, a delivery gate to ask) is queued on the thread pool (<see cref="CallRun.Launch"/>):
/// queueing runs no host code. Calls released when the batch starts or when a call finishes are queued just after that lock section
/// (<see cref="LaunchAll"/>), so a call that ends at once does not have to wait for the lock that released it. The only host code run
/// under the lock is <see cref="ToolCallBatch.OnCallCompleted"/> and a halt's predicates, each contained.
/// </remarks>
internal sealed partial class BatchRun : IWatched
{
    private readonly ParallelToolExecutor _executor;
    private readonly ParallelInvocationOptions _options;
    private readonly ToolCallBatch _batch;
    private readonly ToolCallOutcome[] _outcomes;
    private readonly CallRun[] _calls;
    private readonly object _gate;
    private TaskCompletionSource? _completed; // made only when RunAsync has to wait for the batch; see _completionState
    private int _completionState; // Running, then Completed, or Awaited until completed
    private readonly int _maxDegreeOfParallelism;

    private ExecutionPlan _plan = null!;
    private PriorityQueue<CallRun, int>? _queued;
    private TaskCompletionSource? _abandonedWork;
    private long _start;
    private int _doneCount;
    private int _slotsInUse;
    private int _running;
    private int _maxRunning;
    private int _abandonedPending = 1; // the batch holds one until its report is made, so the count reaches 0 only after that
    private bool _cancelled;
    private bool _completePending;
    private List<CallRun>? _permitQueue;
    private bool _permitPassPending;
    private int _deferDepth;
    private CallRun? _launchHead;
    private CallRun? _launchTail;
    private CallRun? _readyHead;
    private int _readyTaken; // ready calls taken from _readyHead, for the watchdog
    private int _readyTakenAtLastLook = -1; // read and written by the watchdog only
    private int _helperQueued; // 1 while a helper the watchdog queued has not started
    private TimeSpan? _releasedAt; // set while Start queues the calls ready at the start; guarded by the lock

    private const int Running = 0;
    private const int Completed = 1;
    private const int Awaited = 2;

    public BatchRun(ParallelToolExecutor executor, ToolCallBatch batch, CancellationToken cancellationToken)
    {
        _executor = executor;
        _options = executor.Options;
        _batch = batch;
        CancellationToken = cancellationToken;
        Time = Options.TimeProvider;
        _maxDegreeOfParallelism = Options.MaxDegreeOfParallelism;
        int n = batch.Calls.Count;
        _outcomes = new ToolCallOutcome[n];
        _calls = new CallRun[n];
        _gate = _calls; // never exposed: the batch's lock, without an object of its own
        for (int i = 0; i < n; i++)
        {
            var outcome = new ToolCallOutcome(i, batch.Calls[i] ?? throw new ArgumentException($"Call {i} of the batch is null.", nameof(batch)));
            _outcomes[i] = outcome;
            _calls[i] = new CallRun(this, outcome);
        }
    }

    public ParallelInvocationOptions Options => _options;

    public TimeProvider Time { get; }

    /// <summary>Gets the caller's token: it cancels the batch.</summary>
    public CancellationToken CancellationToken { get; }

    public IExecutionObserver Observer => _executor.Observer;

    /// <summary>Gets the execution context of the caller of the batch, in which every call runs.</summary>
    public ExecutionContext? CallerContext { get; private set; }

    /// <summary>Gets the batch's span, if any.</summary>
    public Activity? Activity { get; private set; }

    public TimeSpan Elapsed() => Time.GetElapsedTime(_start);

    /// <summary>
    /// Runs the batch. Where every call finishes before the calling thread gets here (ready calls run on the calling thread and
    /// complete synchronously) the report is made at once, without a task; any failure is returned in the value task, never thrown.
    /// </summary>
    public ValueTask<BatchReport> RunAsync()
    {
        try
        {
            Start();
            if (Volatile.Read(ref _completionState) == Completed)
            {
                return new ValueTask<BatchReport>(Report());
            }
        }
        catch (Exception ex)
        {
            return ValueTask.FromException<BatchReport>(ex);
        }

        return new ValueTask<BatchReport>(AwaitReportAsync());
    }

    private async Task<BatchReport> AwaitReportAsync()
    {
        var completed = new TaskCompletionSource();
        _completed = completed;
        if (Interlocked.CompareExchange(ref _completionState, Awaited, Running) == Running)
        {
            using (CancellationToken.CanBeCanceled ? CancellationToken.UnsafeRegister(static s => ((BatchRun)s!).OnCancelled(), this) : default)
            {
                await completed.Task.ConfigureAwait(false);
            }
        }

        return Report();
    }

    /// <summary>Completes the batch for <see cref="RunAsync"/>: at once if it has not started waiting, else by completing its wait.</summary>
    private void SignalCompleted()
    {
        if (Interlocked.Exchange(ref _completionState, Completed) == Awaited)
        {
            _completed!.TrySetResult();
        }
    }

    private void Start()
    {
        _start = Time.GetTimestamp();
        var inputs = Classify();
        int planned = 0;
        try
        {
            _plan = BatchPlanner.Plan(new ArraySegment<PlanInput>(inputs, 0, _calls.Length));
            for (int i = 0; i < _calls.Length; i++)
            {
                if (_calls[i].Effects is { } effects)
                {
                    planned++;
                    Prepare(_calls[i], effects, inputs[i]);
                }
            }
        }
        finally
        {
            ArrayPool<PlanInput>.Shared.Return(inputs, clearArray: true);
        }

        CallerContext = ExecutionContext.Capture();
        Activity = Observer.BatchStarting(_batch, planned, _plan.EdgeCount);
        var pendingHalt = _batch.Attach(this);

        List<CallRun>? approvals = null;
        bool runReadyHere = (Options.RunReadyCallsOnCallingThread ?? _batch.HostAwaitsAtOnce) && SynchronizationContext.Current is null && TaskScheduler.Current == TaskScheduler.Default;
        CallRun? toLaunch = null;
        try
        {
            lock (_gate)
            {
                _deferDepth++;
                try
                {
                    for (int i = 0; i < _calls.Length; i++)
                    {
                        var call = _calls[i];
                        var outcome = call.Outcome;
                        var predecessors = _plan.Predecessors[i];
                        call.Remaining = predecessors.Length;
                        if (predecessors.Length > 0)
                        {
                            outcome.Predecessors = Array.ConvertAll(predecessors, static d => d.Predecessor);
                        }

                        if (call.Effects is null)
                        {
                            FinishLocked(call, ToolCallStatus.Rejected); // decided in Classify
                        }
                        else if (outcome.Request.ApprovedByCaller is false)
                        {
                            outcome.ErrorMessage = NotApprovedMessage(outcome.Name, outcome.Request.ApprovalReason);
                            DecideLocked(call, ToolCallStatus.Rejected);
                        }
                        else if (call.Effects.Declaration.RequiresApproval && outcome.Request.ApprovedByCaller is null)
                        {
                            if (Options.ApprovalHandler is null)
                            {
                                outcome.ErrorMessage = $"Error: the call to '{outcome.Name}' requires approval, and no approver is configured; it did not run.";
                                DecideLocked(call, ToolCallStatus.Rejected);
                            }
                            else
                            {
                                call.AwaitingApproval = true;
                                (approvals ??= []).Add(call);
                            }
                        }
                    }

                    if (pendingHalt is not null)
                    {
                        HaltLocked(pendingHalt);
                    }

                    _releasedAt = Elapsed(); // the calls ready at the start are queued at one instant
                    foreach (var call in _calls)
                    {
                        if (call.Phase == CallPhase.Waiting && call.Remaining == 0 && !call.AwaitingApproval)
                        {
                            ReleaseLocked(call);
                        }
                    }

                    _releasedAt = null;

                    ScheduleLocked();
                    CompleteIfDoneLocked();
                }
                finally
                {
                    toLaunch = TakeLaunchesLocked();
                }
            }
        }
        catch
        {
            LaunchAll(toLaunch); // as before a fault in the section: the calls it released still start
            throw;
        }

        if (!runReadyHere)
        {
            LaunchAll(toLaunch);
        }

        CompleteIfDone();

        if (approvals is not null)
        {
            foreach (var call in approvals)
            {
                Forget(RequestApprovalAsync(call), call);
            }
        }

        if (runReadyHere && toLaunch is not null)
        {
            RunReadyHere(toLaunch);
        }
    }

    private BatchReport Report()
    {
        _batch.Detach(this);
        var report = new BatchReport(
            _outcomes,
            Elapsed(),
            TimeSpan.FromTicks((long)_plan.CriticalPath(_outcomes, static (outcomes, i) => outcomes[i].RunTime.Ticks)),
            Volatile.Read(ref _maxRunning),
            _plan.EdgeCount,
            _batch.Diagnostics.Count == 0 ? [] : [.. _batch.Diagnostics],
            AbandonedWorkAfterReport());
        Observer.BatchCompleted(Activity, report);
        if (Options.OnBatchCompleted is { } onBatchCompleted)
        {
            try
            {
                onBatchCompleted(report);
            }
            catch (Exception ex)
            {
                Observer.HostCallbackFailed(nameof(ParallelInvocationOptions.OnBatchCompleted), null, ex);
            }
        }

        return report;
    }

    /// <summary>What a planned call needs from its declaration to run: its time limit, its group's limiter, whether it may write.</summary>
    private void Prepare(CallRun call, ResolvedEffects effects, PlanInput input)
    {
        var declaration = effects.Declaration;
        call.MayWrite = input.Writes.Length > 0;
        if (call.Request.RunsNestedBatch)
        {
            // A container of nested calls (a plan's fan-out): they take their own slots, permits, timeouts and retries; holding a slot
            // or a group permit its children need could deadlock a limit shared across batches.
            return;
        }

        call.Timeout = declaration.Timeout ?? Options.DefaultTimeout;
        if (declaration.ConcurrencyGroup is { } group && _executor.GroupLimiters.TryGetValue(group, out var limiter))
        {
            call.Limiter = limiter;
        }
    }

    /// <summary>The error result of a call refused approval, by the handler or by the caller (with the caller's reason, if any).</summary>
    private static string NotApprovedMessage(string name, string? reason) =>
        string.IsNullOrWhiteSpace(reason)
            ? $"Error: the call to '{name}' was not approved and did not run."
            : $"Error: the call to '{name}' was not approved and did not run. Reason given: {reason.Trim()}";

    private string Detail(Exception ex) => (_batch.IncludeDetailedErrors ?? Options.IncludeDetailedErrors) ? $" ({ex.GetType().Name}: {ex.Message})" : string.Empty;

    /// <summary>A call's function is about to start.</summary>
    public void OnStarted()
    {
        int now = Interlocked.Increment(ref _running);
        int seen;
        while (now > (seen = Volatile.Read(ref _maxRunning)) && Interlocked.CompareExchange(ref _maxRunning, now, seen) != seen)
        {
        }
    }

    /// <summary>A call that ran is decided (its outcome fields and telemetry are set): release its slot and its successors.</summary>
    public void OnFinished(CallRun call, ToolCallStatus status)
    {
        Interlocked.Decrement(ref _running);
        CallRun? toLaunch = null;
        try
        {
            lock (_gate)
            {
                _deferDepth++;
                try
                {
                    ReleaseSlotLocked(call);
                    FinishLocked(call, status, timed: true);
                    ScheduleLocked();
                    CompleteIfDoneLocked();
                }
                finally
                {
                    toLaunch = TakeLaunchesLocked();
                }
            }
        }
        finally
        {
            LaunchAll(toLaunch); // even after a fault in the section: the calls it released must still start
        }

        CompleteIfDone();
    }

    /// <summary>A launched call ends before its function started: stopped by a halt, cancelled, or refused a permit.</summary>
    public void EndUnstarted(CallRun call, ToolCallStatus status)
    {
        lock (_gate)
        {
            ReleaseSlotLocked(call);
            FinishLocked(call, status);
            ScheduleLocked();
            CompleteIfDoneLocked();
        }

        CompleteIfDone();
    }

    /// <summary>
    /// The last resort for a fault in the engine's own bookkeeping (a bug, or a logger that throws): the call still gets an outcome and
    /// the batch still ends, instead of the batch hanging or the process crashing on a pool thread.
    /// </summary>
    public void OnInternalFault(CallRun call, Exception exception)
    {
        Observer.HostCallbackFailed("the engine's own bookkeeping", call.Index, exception);
        lock (_gate)
        {
            if (call.Phase == CallPhase.Done)
            {
                return;
            }

            if (call.Phase == CallPhase.Launched)
            {
                ReleaseSlotLocked(call);
            }

            call.Outcome.Exception ??= exception;
            FinishLocked(call, ToolCallStatus.Failed);
            ScheduleLocked();
            CompleteIfDoneLocked();
        }

        CompleteIfDone();
    }

    private void ReleaseSlotLocked(CallRun call)
    {
        if (!call.Request.RunsNestedBatch)
        {
            _slotsInUse--;
        }
    }

    /// <summary>Runs a call's asynchronous step without awaiting it; a fault in it ends the call (<see cref="OnInternalFault"/>).</summary>
    public void Forget(Task step, CallRun call)
    {
        if (step.IsCompletedSuccessfully)
        {
            return;
        }

        _ = step.ContinueWith(
            static (t, s) => { var c = (CallRun)s!; c.Batch.OnInternalFault(c, t.Exception!.GetBaseException()); },
            call,
            CancellationToken.None,
            TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    /// <summary>An attempt was abandoned while its function runs: the report's <see cref="BatchReport.AbandonedWorkEnded"/> waits for it.</summary>
    public void AbandonedWorkBegins()
    {
        if (Volatile.Read(ref _abandonedWork) is null)
        {
            Interlocked.CompareExchange(ref _abandonedWork, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously), null);
        }

        Interlocked.Increment(ref _abandonedPending);
    }

    /// <summary>An abandoned attempt's function really ended (<paramref name="outcome"/>), or an abandonment counted early did not happen (null).</summary>
    public void AbandonedWorkEnds(ToolCallOutcome? outcome)
    {
        if (outcome is not null)
        {
            Observer.AbandonedWorkEnded(outcome);
        }

        if (Interlocked.Decrement(ref _abandonedPending) == 0)
        {
            _abandonedWork!.TrySetResult();
        }
    }

    private Task AbandonedWorkAfterReport() =>
        Interlocked.Decrement(ref _abandonedPending) == 0 ? Task.CompletedTask : Volatile.Read(ref _abandonedWork)!.Task;

    /// <summary>The call's predecessors are done and its approval given: it waits for its delivery gate, if any, then for a slot.</summary>
    private void ReleaseLocked(CallRun call)
    {
        if (call.Request.DeliveryGate is not null)
        {
            call.Phase = CallPhase.AwaitingDelivery;
            call.Launch(CallRun.CallStep.OpenGate);
            return;
        }

        EnqueueLocked(call);
    }

    private void EnqueueLocked(CallRun call)
    {
        call.Outcome.QueuedAt = _releasedAt ?? Elapsed();
        if (_maxDegreeOfParallelism == ParallelInvocationOptions.Unbounded || call.Request.RunsNestedBatch)
        {
            StartLocked(call);
            return;
        }

        call.Phase = CallPhase.Queued;
        (_queued ??= new PriorityQueue<CallRun, int>()).Enqueue(call, call.Index);
    }

    /// <summary>Starts queued calls, lowest index first, while the batch's <see cref="ParallelInvocationOptions.MaxDegreeOfParallelism"/> allows.</summary>
    private void ScheduleLocked()
    {
        if (_queued is not { } queued)
        {
            return;
        }

        while (!CancelledLocked && _slotsInUse < _maxDegreeOfParallelism && queued.TryDequeue(out var call, out _))
        {
            if (call.Phase == CallPhase.Queued)
            {
                StartLocked(call);
            }
        }
    }

    private void StartLocked(CallRun call)
    {
        if (!call.Request.RunsNestedBatch)
        {
            _slotsInUse++; // a container takes none (see Prepare)
        }

        call.Phase = CallPhase.Launched;
        if (call.Limiter is not null)
        {
            // Calls of a concurrency group ask its limiter in the order they were released (emitted order among calls released
            // together), one after another on one pass: launched separately, the pool would let a later call take the permit first.
            (_permitQueue ??= []).Add(call);
            if (!_permitPassPending)
            {
                _permitPassPending = true;
                ThreadPool.UnsafeQueueUserWorkItem(static batch => batch.RunPermitPass(), this, preferLocal: false);
            }

            return;
        }

        if (_deferDepth > 0)
        {
            // Handed to the pool once the lock is released (LaunchAll): a call that ends at once then does not wait for the lock
            // that released it, which would cost two context switches per call.
            call.NextToLaunch = null;
            if (_launchTail is null)
            {
                _launchHead = call;
            }
            else
            {
                _launchTail.NextToLaunch = call;
            }

            _launchTail = call;
            return;
        }

        call.Launch(CallRun.CallStep.Start);
    }

    /// <summary>Starts the released calls of concurrency groups in the order they were released; one pass at a time per batch.</summary>
    private void RunPermitPass()
    {
        while (true)
        {
            CallRun[] calls;
            lock (_gate)
            {
                if (_permitQueue is not { Count: > 0 } queue)
                {
                    _permitPassPending = false;
                    return;
                }

                calls = [.. queue];
                queue.Clear();
            }

            foreach (var call in calls)
            {
                call.StartInOrder();
            }
        }
    }

    /// <summary>Gets whether the batch is cancelled: as soon as the caller's token is, even before <see cref="OnCancelled"/> has run.</summary>
    private bool CancelledLocked => _cancelled || CancellationToken.IsCancellationRequested;

    private void OnCancelled()
    {
        lock (_gate)
        {
            _cancelled = true;
            foreach (var call in _calls)
            {
                // Launched calls, pending approvals and pending deliveries finish themselves as cancelled; everything else is decided here.
                if (call.Phase is CallPhase.Waiting or CallPhase.Queued && !call.AwaitingApproval)
                {
                    FinishLocked(call, call.DecidedEarly ?? (call.Halted ? ToolCallStatus.Skipped : ToolCallStatus.Cancelled));
                }
            }

            _queued?.Clear();
            CompleteIfDoneLocked();
        }

        // Inside the caller's Cancel: the report is made on the pool, not there.
        if (Volatile.Read(ref _completePending))
        {
            ThreadPool.UnsafeQueueUserWorkItem(static r => r.SignalCompleted(), this, preferLocal: false);
        }
    }

    /// <summary>
    /// Records a decided outcome and releases its successors; successors that can no longer run are decided too (iteratively, so a
    /// long chain of skips cannot overflow the stack). Calls that become ready are queued or started.
    /// </summary>
    private void FinishLocked(CallRun first, ToolCallStatus firstStatus, bool timed = false)
    {
        Stack<(CallRun Call, ToolCallStatus Status)>? cascade = null;
        var (call, status) = (first, firstStatus);
        while (true)
        {
            if (call.Phase != CallPhase.Done)
            {
                DecideOutcomeLocked(call, status, timed);
                ReleaseSuccessorsLocked(call, status, ref cascade);
            }

            if (cascade is null || cascade.Count == 0)
            {
                return;
            }

            (call, status) = cascade.Pop();
            timed = false;
        }
    }

    private void DecideOutcomeLocked(CallRun call, ToolCallStatus status, bool timed)
    {
        call.Phase = CallPhase.Done;
        _doneCount++;
        var outcome = call.Outcome;
        outcome.Status = status;
        if (!timed)
        {
            outcome.FinishedAt = Elapsed();
            if (status == ToolCallStatus.Skipped)
            {
                if (call.SkipCause is int cause)
                {
                    outcome.SkippedBecauseOf = cause;
                    outcome.ErrorMessage = MessageFor(outcome, status); // replaces a refusal decided earlier
                }
                else if (call.Halted)
                {
                    call.SkippedByHalt = true;
                    outcome.SkippedBecauseOf = _halt!.CauseIndex;
                    outcome.ErrorMessage = call.HaltMessage;
                }
                else
                {
                    outcome.ErrorMessage = MessageFor(outcome, status);
                }
            }
            else if (status != ToolCallStatus.Succeeded)
            {
                outcome.ErrorMessage ??= MessageFor(outcome, status);
            }

            Observer.CallCompleted(null, outcome);
        }

        if (_batch.OnCallCompleted is { } onCallCompleted)
        {
            try
            {
                onCallCompleted(outcome);
            }
            catch (Exception ex)
            {
                Observer.HostCallbackFailed(nameof(ToolCallBatch.OnCallCompleted), outcome.Index, ex);
            }
        }
    }

    private void ReleaseSuccessorsLocked(CallRun call, ToolCallStatus status, ref Stack<(CallRun, ToolCallStatus)>? cascade)
    {
        var successors = _plan.Successors[call.Index];
        if (successors.Length == 0)
        {
            return;
        }

        bool poisons = !call.SkippedByHalt && status is ToolCallStatus.Failed or ToolCallStatus.TimedOut or ToolCallStatus.Skipped or ToolCallStatus.Cancelled;
        bool skipAfterWrite = Options.FailurePolicy == FailurePolicy.SkipAfterFailedWrite;
        foreach (var edge in successors)
        {
            var next = _calls[edge.Predecessor];
            next.Remaining--;
            bool skips = edge.Kind == DependencyKind.Data
                ? status != ToolCallStatus.Succeeded
                : poisons && skipAfterWrite && edge.Kind == DependencyKind.AfterWrite;
            if (skips && next.SkipCause is null)
            {
                // A call skipped by the failure policy passes its own cause on; one skipped by a halt is itself the cause.
                next.SkipCause = call.SkippedByHalt ? call.Index : call.Outcome.SkippedBecauseOf ?? call.Index;
            }

            if (next.Remaining > 0 || next.Phase == CallPhase.Done || next.AwaitingApproval)
            {
                continue;
            }

            if (CancelledLocked)
            {
                (cascade ??= new()).Push((next, ToolCallStatus.Cancelled));
            }
            else if (next.SkipCause is not null || next.Halted)
            {
                // As in a sequential run: a call ordered after a failed write is skipped, even one already refused approval.
                (cascade ??= new()).Push((next, ToolCallStatus.Skipped));
            }
            else if (next.DecidedEarly is { } decided)
            {
                (cascade ??= new()).Push((next, decided));
            }
            else
            {
                ReleaseLocked(next);
            }
        }
    }

    /// <summary>
    /// Decides that a call will not run. Its successors are released only once its own predecessors are done: the plan orders a
    /// successor after this call alone when this call dominates an earlier one, so releasing it early would let it overtake that call.
    /// </summary>
    private void DecideLocked(CallRun call, ToolCallStatus status)
    {
        if (call.Remaining > 0)
        {
            call.DecidedEarly = status;
        }
        else
        {
            FinishLocked(call, call.SkipCause is not null || call.Halted ? ToolCallStatus.Skipped : status);
        }
    }

    private void CompleteIfDoneLocked()
    {
        if (_doneCount == _calls.Length)
        {
            _completePending = true;
        }
    }

    /// <summary>
    /// Completes the batch once every outcome is decided, after the lock is released: the report is made on the thread that decided the
    /// last outcome (no hop through the thread pool), never under the lock. A nested lock section (a halt from inside
    /// <see cref="ToolCallBatch.OnCallCompleted"/>) leaves it to the outermost one.
    /// </summary>
    private void CompleteIfDone()
    {
        if (Volatile.Read(ref _completePending) && !Monitor.IsEntered(_gate))
        {
            SignalCompleted();
        }
    }

    /// <summary>The message for the model when a call did not succeed: what happened and, where it helps, what to do.</summary>
    public string MessageFor(ToolCallOutcome outcome, ToolCallStatus status)
    {
        string name = outcome.Name;
        switch (status)
        {
            case ToolCallStatus.Failed:
                return $"Error: the call to '{name}' failed{(outcome.Exception is { } e ? Detail(e) : string.Empty)}. Check the arguments, or reach the goal another way.";
            case ToolCallStatus.TimedOut when outcome.EffectInDoubt:
                return $"Error: the call to '{name}' did not finish in time and was abandoned while it was still running, so its effect is in doubt: it may have taken effect, or may still take effect. Check the current state before repeating it.";
            case ToolCallStatus.TimedOut:
                return $"Error: the call to '{name}' did not finish in time and was {(outcome.Abandoned ? "abandoned" : "stopped")}.";
            case ToolCallStatus.Cancelled when outcome.EffectInDoubt:
                return $"Error: the call to '{name}' was cancelled while it was still running and was abandoned, so its effect is in doubt: it may have taken effect, or may still take effect.";
            case ToolCallStatus.Cancelled:
                return outcome.StartedAt is null
                    ? $"Error: the call to '{name}' was cancelled before it started."
                    : $"Error: the call to '{name}' was cancelled before it finished.";
            case ToolCallStatus.Skipped:
                var cause = _outcomes[outcome.SkippedBecauseOf ?? 0];
                string what = cause.Status switch
                {
                    ToolCallStatus.TimedOut => "timed out",
                    ToolCallStatus.Cancelled => "was cancelled",
                    ToolCallStatus.Skipped => "was skipped",
                    ToolCallStatus.Rejected => "was rejected",
                    _ => "failed",
                };
                return $"Error: the call to '{name}' did not run because it must follow call #{cause.Index} ('{cause.Name}'{(cause.CallId.Length > 0 ? $", id {cause.CallId}" : string.Empty)}), which {what}. Deal with that call first, then repeat this one if it is still needed.";
            default:
                return $"Error: the call to '{name}' did not run.";
        }
    }
}
