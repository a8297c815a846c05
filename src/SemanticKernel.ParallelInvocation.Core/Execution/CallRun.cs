using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;
using System.Threading.RateLimiting;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;
using SemanticKernel.ParallelInvocation.Effects;

namespace SemanticKernel.ParallelInvocation.Execution;

/// <summary>Where a call is in its batch. Changed only under the batch's lock.</summary>
internal enum CallPhase : byte
{
    /// <summary>Waiting for its predecessors (its approval may be pending as well).</summary>
    Waiting,

    /// <summary>Ready; the host is being asked to confirm its delivery.</summary>
    AwaitingDelivery,

    /// <summary>Ready; waiting for a <see cref="ParallelInvocationOptions.MaxDegreeOfParallelism"/> slot.</summary>
    Queued,

    /// <summary>Holds a slot: handed to the thread pool, waiting for its group's permit, or running.</summary>
    Launched,

    /// <summary>Its outcome is decided.</summary>
    Done,
}

/// <summary>
/// One call of a batch, in one place: its scheduling state (read and written only under the batch's lock) and its execution (owned by
/// the call's own flow once launched). It is its own thread-pool work item: each step (asking the host to confirm delivery, starting,
/// resuming after an asynchronous wait) is queued with <see cref="ThreadPool.UnsafeQueueUserWorkItem(IThreadPoolWorkItem, bool)"/> and
/// runs in the execution context of the caller of the batch, never on the caller's <see cref="SynchronizationContext"/>.
/// </summary>
/// <remarks>
/// Execution: a call holds its batch slot while it waits for its concurrency group's permit and while it runs. A tool that completes
/// synchronously is finished inline, with no allocation for the attempt. An attempt whose token can be cancelled (a timeout, or a
/// cancellable caller token) is an <see cref="Attempt"/>: if its token fires before the tool ends, the call is decided without waiting
/// for the tool (abandoned), and the attempt keeps its permit until the tool really ends.
/// </remarks>
internal sealed partial class CallRun : IThreadPoolWorkItem
{
    private const int NotStarted = 0;
    private const int Started = 1;
    private const int Stopped = 2;

    private static readonly ContextCallback RunStepInContext = static s => ((CallRun)s!).RunStep();

    [ThreadStatic]
    private static CallRun? t_invoking; // the call whose invoker runs on this thread and may defer its run (DeferredRun)

    private CallStep _next;
    private int _start;
    private Attempt? _attempt;
    private Task<object?>? _work;
    private Action? _onWorkEnded;
    private Activity? _activity;
    private object? _result;
    private Exception? _error;
    private GroupState? _group; // only for a call in a concurrency group
    private long _timeoutTicks = OptionalTicks.None;
    private int _skipCause = -1;
    private sbyte _decidedEarly = -1;

    public CallRun(BatchRun batch, ToolCallOutcome outcome)
    {
        Batch = batch;
        Outcome = outcome;
    }

    /// <summary>The next thing the call's work item does when the thread pool runs it.</summary>
    internal enum CallStep : byte
    {
        OpenGate,
        Start,
        StartInOrder,
        Invoke,
        Retry,
        Complete,
        EndUnrun,
    }

    public BatchRun Batch { get; }

    public ToolCallOutcome Outcome { get; }

    public int Index => Outcome.Index;

    public ToolCallRequest Request => Outcome.Request;

    // What the call is, set before the batch starts.

    /// <summary>Gets or sets the resolved declaration; <see langword="null"/> for a call rejected before planning.</summary>
    public ResolvedEffects? Effects { get; set; }

    /// <summary>Gets or sets the limiter of the call's concurrency group, if it has one.</summary>
    public RateLimiter? Limiter
    {
        get => _group?.Limiter;
        set => _group = value is null ? null : new GroupState(value);
    }

    /// <summary>Gets or sets the time limit of each attempt (its permit wait included).</summary>
    public TimeSpan? Timeout
    {
        get => OptionalTicks.ToTime(_timeoutTicks);
        set => _timeoutTicks = OptionalTicks.From(value);
    }

    /// <summary>Gets or sets a value indicating whether the call may write (its effect is in doubt if it is abandoned).</summary>
    public bool MayWrite { get; set; }

    // Scheduling state, guarded by the batch's lock.

    public CallPhase Phase { get; set; }

    /// <summary>Gets or sets how many predecessors are not done yet.</summary>
    public int Remaining { get; set; }

    public bool AwaitingApproval { get; set; }

    /// <summary>Gets or sets the outcome decided before the predecessors were done (a refusal); applied once they are.</summary>
    public ToolCallStatus? DecidedEarly
    {
        get => _decidedEarly < 0 ? null : (ToolCallStatus)_decidedEarly;
        set => _decidedEarly = value is { } status ? (sbyte)status : (sbyte)-1;
    }

    /// <summary>Gets or sets the failed call that makes this one skipped under the failure policy.</summary>
    public int? SkipCause
    {
        get => _skipCause < 0 ? null : _skipCause;
        set => _skipCause = value ?? -1;
    }

    /// <summary>Gets or sets a value indicating whether the host halted the batch before this call started (see <see cref="BatchRun.Halt"/>).</summary>
    public bool Halted { get; set; }

    public string? HaltMessage { get; set; }

    /// <summary>Gets or sets a value indicating whether the call ended skipped by a halt: it does not make later calls skipped.</summary>
    public bool SkippedByHalt { get; set; }

    /// <summary>Gets or sets the next call released in the same lock section, to be handed to the pool once the lock is released.</summary>
    public CallRun? NextToLaunch { get; set; }

    /// <summary>Queues the call's next step on the thread pool. Safe under the batch's lock: no host code runs here.</summary>
    public void Launch(CallStep step)
    {
        _next = step;
        ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: true);
    }

    /// <summary>Stops the call before its function starts, if it has not started yet; under the batch's lock (a halt).</summary>
    /// <returns><see langword="true"/> if the call will not start; <see langword="false"/> if its function already started.</returns>
    public bool TryStopBeforeStart()
    {
        if (Interlocked.CompareExchange(ref _start, Stopped, NotStarted) != NotStarted)
        {
            return Volatile.Read(ref _start) == Stopped;
        }

        // A call waiting for its group's permit stops waiting; cancelled asynchronously so no limiter code runs under the lock.
        if (_group is { } group && Volatile.Read(ref group.PermitWait) is { } wait)
        {
            try
            {
                _ = wait.CancelAsync();
            }
            catch (ObjectDisposedException)
            {
                // The wait just ended; the call sees the stop before it starts.
            }
        }

        return true;
    }

    /// <summary>
    /// Starts the call here, on the thread that called the batch (<see cref="ParallelInvocationOptions.RunReadyCallsOnCallingThread"/>) or on a helper taking over from it.
    /// </summary>
    public void RunOnCallingThread()
    {
        _next = CallStep.Start;
        ((IThreadPoolWorkItem)this).Execute();
    }

    /// <summary>
    /// Starts a call of a concurrency group from the batch's permit pass (<see cref="BatchRun"/>): it asks its group's limiter here, in
    /// the order the batch released it, and its function then starts on the pool, so the next call of the pass asks without waiting.
    /// </summary>
    public void StartInOrder()
    {
        _next = CallStep.StartInOrder;
        ((IThreadPoolWorkItem)this).Execute();
    }

    void IThreadPoolWorkItem.Execute()
    {
        if (Batch.CallerContext is { } context)
        {
            ExecutionContext.Run(context, RunStepInContext, this);
        }
        else
        {
            RunStep();
        }
    }

    private void RunStep()
    {
        try
        {
            RunStepCore();
        }
        catch (Exception ex)
        {
            Batch.OnInternalFault(this, ex);
        }
    }

    private void RunStepCore()
    {
        switch (_next)
        {
            case CallStep.OpenGate:
                Batch.Forget(Batch.AwaitDeliveryAsync(this), this);
                break;
            case CallStep.Start:
                Start(invokeHere: true);
                break;
            case CallStep.StartInOrder:
                Start(invokeHere: false);
                break;
            case CallStep.Invoke:
                Invoke();
                break;
            case CallStep.Retry:
                BeginAttempt();
                break;
            case CallStep.Complete:
                CompleteAttempt();
                break;
            case CallStep.EndUnrun:
                var (status, error, message) = _group!.Unrun;
                _group.Unrun = default;
                EndAttemptUnrun(status, error, message);
                break;
        }
    }

    private void Start(bool invokeHere)
    {
        if (Volatile.Read(ref _start) == Stopped)
        {
            Batch.EndUnstarted(this, ToolCallStatus.Skipped);
        }
        else if (Batch.CancellationToken.IsCancellationRequested)
        {
            Batch.EndUnstarted(this, ToolCallStatus.Cancelled);
        }
        else
        {
            BeginAttempt(invokeHere);
        }
    }

    /// <summary>Starts an attempt: its time limit starts now, then its group's permit, then the function (here, or from the pool).</summary>
    private void BeginAttempt(bool invokeHere = true)
    {
        var callerToken = Batch.CancellationToken;
        _attempt = Timeout is not null || callerToken.CanBeCanceled ? new Attempt(this, Timeout, callerToken) : null;
        if (Limiter is { } limiter)
        {
            RateLimitLease lease;
            try
            {
                lease = limiter.AttemptAcquire(1);
            }
            catch (Exception ex)
            {
                EndAttemptUnrun(ToolCallStatus.Failed, ex, LimiterFailedMessage());
                return;
            }

            if (!lease.IsAcquired)
            {
                lease.Dispose();
                Batch.Forget(WaitForPermitAsync(limiter), this);
                return;
            }

            StoreLease(lease);
        }

        if (invokeHere)
        {
            Invoke();
        }
        else
        {
            Launch(CallStep.Invoke);
        }
    }

    private void Invoke()
    {
        var attempt = _attempt;
        if (Outcome.Attempts == 0)
        {
            if (Interlocked.CompareExchange(ref _start, Started, NotStarted) != NotStarted)
            {
                ReleaseAttempt(attempt);
                Batch.EndUnstarted(this, ToolCallStatus.Skipped);
                return;
            }

            if (Batch.CancellationToken.IsCancellationRequested)
            {
                ReleaseAttempt(attempt);
                Batch.EndUnstarted(this, ToolCallStatus.Cancelled);
                return;
            }

            Outcome.StartedAt = Batch.Elapsed();
            Batch.OnStarted();
            _activity = Batch.Observer.CallStarting(Batch.Activity, Outcome);
        }

        Outcome.Attempts++;

        // Watched before the function runs: on cancellation a token runs its callbacks newest first, so a tool that reacts to its own
        // registration at once has ended before this one decides to abandon it.
        attempt?.Watch();
        attempt?.EnterInvocation();
        ValueTask<object?> pending;
        var outer = t_invoking;
        t_invoking = attempt is null ? this : null; // only a run nothing can abandon may be deferred
        try
        {
            pending = InvokeFunction(Request, attempt?.Token ?? CancellationToken.None);
        }
        catch (Exception ex)
        {
            pending = ValueTask.FromException<object?>(ex);
        }
        finally
        {
            t_invoking = outer;
        }

        if (attempt is null && DeferredRun.IsDeferred(pending))
        {
            return; // the host ends the run (EndDeferred), maybe already on another thread: nothing of the call is touched here any more
        }

        if (pending.IsCompleted)
        {
            bool ended = attempt is null || attempt.TryEnd();
            attempt?.ExitInvocation();
            if (ended)
            {
                TakeResult(pending);
                CompleteAttempt();
            }
            else
            {
                attempt!.WorkEndedLate(pending); // abandoned while it blocked its thread
            }

            return;
        }

        var work = pending.AsTask();
        if (attempt is null)
        {
            _work = work;
            work.ConfigureAwait(false).GetAwaiter().UnsafeOnCompleted(_onWorkEnded ??= OnWorkEnded);
        }
        else
        {
            attempt.Await(work);
            attempt.ExitInvocation();
        }
    }

    /// <summary>An attempt that could not be abandoned ended asynchronously: finish it on the pool, not on the completing thread.</summary>
    private void OnWorkEnded()
    {
        TakeResult(_work!);
        _work = null;
        Launch(CallStep.Complete);
    }

    /// <summary>Gets the call whose invoker runs on this thread with a token that cannot be cancelled, if any (see <see cref="DeferredRun"/>).</summary>
    internal static CallRun? Invoking => t_invoking;

    /// <summary>The host ended a deferred run (<see cref="DeferredRun.End"/>): the attempt completes here, as a step in the batch caller's context.</summary>
    internal void EndDeferred(object? result, Exception? error)
    {
        _result = result;
        _error = error;
        _next = CallStep.Complete;
        ((IThreadPoolWorkItem)this).Execute();
    }

    private void TakeResult(ValueTask<object?> completed)
    {
        try
        {
            _result = completed.Result;
            _error = null;
        }
        catch (Exception ex)
        {
            _result = null;
            _error = ex;
        }
    }

    private void TakeResult(Task<object?> completed)
    {
        try
        {
            _result = completed.GetAwaiter().GetResult();
            _error = null;
        }
        catch (Exception ex)
        {
            _result = null;
            _error = ex;
        }
    }

    /// <summary>The function ended before anything abandoned it: classify, release the permit, then retry or finish.</summary>
    private void CompleteAttempt()
    {
        var attempt = _attempt;
        var callerToken = Batch.CancellationToken;
        var error = _error;
        ToolCallStatus status;
        if (error is null)
        {
            Outcome.Result = _result;
            status = ToolCallStatus.Succeeded;
        }
        else if (callerToken.IsCancellationRequested)
        {
            Outcome.Exception = error as OperationCanceledException ?? new OperationCanceledException("The batch was cancelled.", error, callerToken);
            status = ToolCallStatus.Cancelled;
        }
        else if (attempt?.TimeoutFired == true)
        {
            Outcome.Exception = new TimeoutException($"The call to '{Request.Name}' did not finish within {Timeout}.", error);
            status = ToolCallStatus.TimedOut;
        }
        else
        {
            Outcome.Exception = error;
            status = ToolCallStatus.Failed;
        }

        _result = null;
        _error = null;
        ReleaseAttempt(attempt);
        var ended = Batch.Elapsed();
        Outcome.WorkEndedAt = ended;
        AfterAttempt(status, ended);
    }

    /// <summary>The attempt's token fired while its function still ran (called once, on the pool): decide without waiting for it.</summary>
    private void OnAbandoned(Attempt attempt)
    {
        _attempt = null; // the attempt keeps its permit and token sources until its function really ends
        Outcome.Abandoned = true;
        bool cancelled = Batch.CancellationToken.IsCancellationRequested;
        Outcome.Exception = cancelled
            ? new OperationCanceledException("The batch was cancelled.", null, Batch.CancellationToken)
            : new TimeoutException($"The call to '{Request.Name}' did not finish within {Timeout}; it ignored cancellation and was abandoned.");
        var status = cancelled ? ToolCallStatus.Cancelled : ToolCallStatus.TimedOut;
        if (ShouldRetry(status))
        {
            Batch.Forget(RetryAfterAbandonedAsync(attempt.WorkEnded!.Task, status), this);
            return;
        }

        Outcome.EffectInDoubt = MayWrite;
        Finish(status);
    }

    private bool ShouldRetry(ToolCallStatus status) =>
        !Request.RunsNestedBatch // a container's nested calls retry themselves
        && status is ToolCallStatus.Failed or ToolCallStatus.TimedOut
        && Effects!.Declaration.IsIdempotent
        && Outcome.Attempts <= Batch.Options.MaxRetryAttempts
        && !Batch.CancellationToken.IsCancellationRequested;

    private void AfterAttempt(ToolCallStatus status, TimeSpan ended)
    {
        if (!ShouldRetry(status))
        {
            Finish(status, ended); // decided as the work ended: one instant for both
        }
        else if (Batch.Options.RetryDelay > TimeSpan.Zero)
        {
            Batch.Forget(DelayThenRetryAsync(), this);
        }
        else
        {
            Outcome.Exception = null;
            BeginAttempt();
        }
    }

    private async Task DelayThenRetryAsync()
    {
        try
        {
            await Task.Delay(Batch.Options.RetryDelay, Batch.Time, Batch.CancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException ex)
        {
            Outcome.Exception = ex;
            Finish(ToolCallStatus.Cancelled);
            return;
        }

        Outcome.Exception = null;
        Launch(CallStep.Retry); // the delay ends on a timer's thread: the next attempt starts on the pool
    }

    /// <summary>
    /// A retry never overlaps the attempt it repeats: it first waits for the abandoned function to end, up to the call's time limit. If
    /// the function does not end by then, the call ends with the abandoned attempt's status and its effect in doubt.
    /// </summary>
    private async Task RetryAfterAbandonedAsync(Task workEnded, ToolCallStatus status)
    {
        using var limit = new CancellationTokenSource(Timeout!.Value, Batch.Time);
        var callerToken = Batch.CancellationToken;
        using var link = callerToken.CanBeCanceled ? callerToken.UnsafeRegister(static s => ((CancellationTokenSource)s!).Cancel(), limit) : default;
        try
        {
            await workEnded.WaitAsync(limit.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            Outcome.EffectInDoubt = MayWrite;
            Finish(callerToken.IsCancellationRequested ? ToolCallStatus.Cancelled : status);
            return;
        }

        if (Batch.Options.RetryDelay > TimeSpan.Zero)
        {
            await DelayThenRetryAsync().ConfigureAwait(false);
            return;
        }

        Outcome.Exception = null;
        Launch(CallStep.Retry);
    }

    /// <summary>The call ran (at least one attempt started) and its outcome is decided.</summary>
    private void Finish(ToolCallStatus status, TimeSpan? finishedAt = null)
    {
        Outcome.Status = status;
        if (status != ToolCallStatus.Succeeded)
        {
            Outcome.ErrorMessage ??= Batch.MessageFor(Outcome, status);
        }

        Outcome.FinishedAt = finishedAt ?? Batch.Elapsed();
        Batch.Observer.CallCompleted(_activity, Outcome); // ends the call's span
        _activity = null;
        Batch.OnFinished(this, status);
    }

    /// <summary>An attempt ends before its function started: a permit that could not be had, or a stop.</summary>
    private void EndAttemptUnrun(ToolCallStatus status, Exception? exception, string? message)
    {
        ReleaseAttempt(_attempt);
        if (exception is not null)
        {
            Outcome.Exception = exception;
        }

        if (message is not null)
        {
            Outcome.ErrorMessage = message;
        }

        if (Outcome.Attempts == 0)
        {
            Batch.EndUnstarted(this, status);
        }
        else
        {
            Finish(status); // a retry's permit: the call did run before
        }
    }

    private void StoreLease(RateLimitLease lease)
    {
        if (_attempt is { } attempt)
        {
            attempt.Lease = lease;
        }
        else
        {
            _group!.Lease = lease;
        }
    }

    private void ReleaseAttempt(Attempt? attempt)
    {
        if (attempt is not null)
        {
            attempt.Release();
            _attempt = null;
        }

        if (_group?.Lease is { } lease)
        {
            _group.Lease = null;
            lease.Dispose();
        }
    }

    private string LimiterFailedMessage() =>
        $"Error: the call to '{Request.Name}' could not get a permit from the limiter of its concurrency group '{Effects?.Declaration.ConcurrencyGroup}', so it did not run.";

    private static ValueTask<object?> InvokeFunction(ToolCallRequest request, CancellationToken token)
    {
        if (request.Invoker is { } invoker)
        {
            return invoker(request, token);
        }

        // A copy, so that a function cannot change the arguments the report keeps.
        var arguments = request.Arguments;
        Dictionary<string, object?> copy;
        if (arguments is Dictionary<string, object?> dictionary)
        {
            copy = new Dictionary<string, object?>(dictionary, StringComparer.Ordinal);
        }
        else
        {
            copy = new Dictionary<string, object?>(arguments.Count, StringComparer.Ordinal);
            foreach (var (key, value) in arguments)
            {
                copy[key] = value;
            }
        }

        return request.Function!.InvokeAsync(new AIFunctionArguments(copy) { Services = request.Services }, token);
    }

    /// <summary>What only a call in a concurrency group needs: its group's limiter, its permit wait and its lease.</summary>
    private sealed class GroupState(RateLimiter limiter)
    {
        public RateLimiter Limiter { get; } = limiter;

        /// <summary>The permit wait in progress, cancelled when the call is stopped; read and written with <see cref="Volatile"/>.</summary>
        public CancellationTokenSource? PermitWait;

        /// <summary>The lease of an attempt without an <see cref="Attempt"/> of its own.</summary>
        public RateLimitLease? Lease { get; set; }

        /// <summary>How a permit wait that did not end with a permit ends the call, for <see cref="CallStep.EndUnrun"/>.</summary>
        public (ToolCallStatus Status, Exception? Error, string? Message) Unrun { get; set; }
    }
}
