using System;
using System.Collections.Generic;
using System.Runtime.ExceptionServices;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.SemanticKernel;
using SemanticKernel.ParallelInvocation.Execution;

namespace SemanticKernel.ParallelInvocation;

// Concurrent delivery: a call meets its delivery and runs on the delivering thread; outcomes as the deliveries read them. See FilterBatch.cs.
internal sealed partial class FilterBatch
{
    private static readonly Action<object?> s_waitCancelled = static state => ((BatchCall)state!).Batch.CancelWait((BatchCall)state!);

    private static readonly ContextCallback s_runDelivered = static state =>
    {
        var call = (BatchCall)state!;
        call.DeliveredRun = call.Batch.RunAtDeliveryAsync(call, call.Delivered!, call.Next!, call.WaitPending!);
    };

    private static readonly Action<TakenCall> s_runTaken = static taken =>
    {
        if (taken.Call.WaitContext is { } executionContext)
        {
            ExecutionContext.Run(executionContext, static s => ((TakenCall)s!).Run(), taken);
        }
        else
        {
            taken.Run();
        }
    };

    private int _inline;
    private int _watchedInline = -1;
    private int _waitingCount;
    private bool _takenOver;
    private bool _watched; // in the engine's Watchdog, which looks while calls wait for their deliveries

    /// <summary>The engine decided a call (under the engine's lock): recorded, and the delivery waiting for it, if any, resumes on the pool.</summary>
    private void Decide(BatchCall call, ToolCallOutcome outcome) => Settle(call, outcome, null);

    /// <summary>The batch's run failed before the call was decided: its delivery gets the error.</summary>
    private void Fault(BatchCall call, IReadOnlyCollection<Exception> exceptions) => Settle(call, null, exceptions);

    private void Settle(BatchCall call, ToolCallOutcome? outcome, IReadOnlyCollection<Exception>? exceptions)
    {
        TaskCompletionSource<ToolCallOutcome>? waiter;
        lock (_gate)
        {
            if (call.Decided is not null || call.RunFailure is not null)
            {
                return;
            }

            call.Decided = outcome;
            call.RunFailure = exceptions;
            waiter = call.OutcomeWaiter;
        }

        if (outcome is not null)
        {
            waiter?.TrySetResult(outcome);
        }
        else
        {
            waiter?.TrySetException(exceptions!);
        }
    }

    /// <summary>The call's outcome: at once where it is decided, else once the engine decides it.</summary>
    private ValueTask<ToolCallOutcome> OutcomeAsync(BatchCall call)
    {
        lock (_gate)
        {
            if (call.Decided is { } outcome)
            {
                return new(outcome);
            }

            var waiter = call.OutcomeWaiter ??= new TaskCompletionSource<ToolCallOutcome>(TaskCreationOptions.RunContinuationsAsynchronously);
            if (call.RunFailure is { } exceptions)
            {
                waiter.TrySetException(exceptions);
            }

            return new(waiter.Task);
        }
    }

    private bool InGroup(KernelFunction function)
    {
        try
        {
            return Executor.Resolver.Resolve(function, function.Name).Declaration.ConcurrencyGroup is not null;
        }
        catch (ParallelInvocationConfigurationException)
        {
            return true; // the engine reports the declaration error itself
        }
    }

    /// <summary>
    /// The engine starts a call Semantic Kernel has not delivered yet: the call's run is pending until the delivery runs it (or, should the
    /// delivering thread be held up by another call, until the watchdog runs it without its delivery).
    /// </summary>
    private TaskCompletionSource<object?> WaitForDeliveryLocked(BatchCall call, CancellationToken cancellationToken)
    {
        // Completed outside any lock: its continuation (the engine's, completing the call) may run where it is completed.
        var waiting = new TaskCompletionSource<object?>();
        call.Waiting = waiting;
        call.WaitToken = cancellationToken;
        call.WaitContext = ExecutionContext.Capture();
        _waitingCount++;
        WatchIfHeldLocked();

        return waiting;
    }

    /// <summary>The engine's token (the caller's, or a timeout's) ends the wait: the engine decides the call, and its delivery is answered so.</summary>
    private void WatchWait(BatchCall call, TaskCompletionSource<object?> waiting, CancellationToken cancellationToken)
    {
        var registration = cancellationToken.UnsafeRegister(s_waitCancelled, call);
        lock (_gate)
        {
            if (ReferenceEquals(call.Waiting, waiting))
            {
                call.WaitCancellation = registration;
                return;
            }
        }

        registration.Dispose(); // the wait already ended
    }

    /// <summary>Takes the engine's pending run of a call being delivered, if it waits for this delivery.</summary>
    private TaskCompletionSource<object?>? TakeWaiting(BatchCall call)
    {
        lock (_gate)
        {
            if (call.Waiting is not { } waiting)
            {
                return null;
            }

            call.Waiting = null;
            LeaveWaitLocked();
            return waiting;
        }
    }

    /// <summary>
    /// Runs a delivered call the engine waits for: here, on the delivering thread (unless it has a synchronization context, or the options
    /// say calls start on the pool), in the execution context the engine started it in; returns the delivery's answer, or null where the
    /// call is handed to the pool or cancelled (then the delivery waits for the outcome).
    /// </summary>
    private Task? RunDelivered(BatchCall call, AutoFunctionInvocationContext context, Func<AutoFunctionInvocationContext, Task> next, TaskCompletionSource<object?> waiting)
    {
        call.WaitCancellation.Dispose();
        var token = call.WaitToken;
        if (token.IsCancellationRequested)
        {
            waiting.TrySetCanceled(token);
            return null;
        }

        if (Executor.Options.RunReadyCallsOnCallingThread == false || SynchronizationContext.Current is not null || TaskScheduler.Current != TaskScheduler.Default)
        {
            ThreadPool.UnsafeQueueUserWorkItem(s_runTaken, new TakenCall(call, context, next, waiting), preferLocal: false);
            return null;
        }

        EnterInline();
        try
        {
            if (call.WaitContext is not { } executionContext)
            {
                return RunAtDeliveryAsync(call, context, next, waiting);
            }

            call.WaitPending = waiting;
            ExecutionContext.Run(executionContext, s_runDelivered, call);
            var run = call.DeliveredRun;
            call.DeliveredRun = null;
            call.WaitPending = null;
            return run;
        }
        finally
        {
            ExitInline();
        }
    }

    /// <summary>
    /// A delivered call's run on the delivering thread, which also answers the delivery: where it succeeds and the engine cannot decide
    /// otherwise (no token that could fire), and this is not the delivery that waits for the report, from the run alone (the context is
    /// Semantic Kernel's own); else from the outcome once the engine decides it.
    /// </summary>
    private async Task RunAtDeliveryAsync(BatchCall call, AutoFunctionInvocationContext context, Func<AutoFunctionInvocationContext, Task> next, TaskCompletionSource<object?> waiting)
    {
        call.RunContext = context;
        BatchFlow.Current = call;
        bool succeeded = false;
        try
        {
            await next(context).ConfigureAwait(false);
            succeeded = true;
        }
        catch (Exception ex)
        {
            call.Failure = ExceptionDispatchInfo.Capture(ex);
            AfterRun(call, context, failed: true);
            waiting.TrySetException(ex);
        }

        if (succeeded)
        {
            AfterRun(call, context, failed: false);
            try
            {
                waiting.TrySetResult(context.Result.GetValue<object>());
            }
            catch (Exception ex)
            {
                waiting.TrySetException(ex);
                succeeded = false;
            }
        }

        if (!succeeded || call.WaitToken.CanBeCanceled || call.Index == _lastIndex || Volatile.Read(ref _haltedAt) != int.MaxValue)
        {
            await AnswerAsync(call, context, next).ConfigureAwait(false);
        }
    }

    /// <summary>Completes the engine's pending run with the call's run, now if it has ended, else when it ends.</summary>
    private static void Complete(ValueTask<object?> run, TaskCompletionSource<object?> waiting)
    {
        if (!run.IsCompleted)
        {
            _ = CompleteWhenEndedAsync(run, waiting);
            return;
        }

        try
        {
            waiting.TrySetResult(run.GetAwaiter().GetResult());
        }
        catch (Exception ex)
        {
            waiting.TrySetException(ex);
        }
    }

    private static async Task CompleteWhenEndedAsync(ValueTask<object?> run, TaskCompletionSource<object?> waiting)
    {
        try
        {
            waiting.TrySetResult(await run.ConfigureAwait(false));
        }
        catch (Exception ex)
        {
            waiting.TrySetException(ex);
        }
    }

    /// <summary>The engine's token fired while the call waited for its delivery: the wait ends cancelled, and the delivery runs nothing.</summary>
    private void CancelWait(BatchCall call)
    {
        TaskCompletionSource<object?>? waiting;
        lock (_gate)
        {
            waiting = call.Waiting;
            if (waiting is null)
            {
                return;
            }

            call.Waiting = null;
            LeaveWaitLocked();
        }

        waiting.TrySetCanceled(call.WaitToken);
    }

    private void LeaveWaitLocked() => --_waitingCount; // the watchdog stops looking at its next look once none waits

    /// <summary>The delivering thread enters (and leaves, <see cref="ExitInline"/>) a stretch where it runs calls: odd while inside.</summary>
    private void EnterInline()
    {
        lock (_gate)
        {
            Interlocked.Increment(ref _inline);
            WatchIfHeldLocked();
        }
    }

    /// <summary>Has the watchdog look while calls wait for their deliveries and the delivering thread is inside a call: only then can it be held up.</summary>
    private void WatchIfHeldLocked()
    {
        if (_waitingCount > 0 && (Volatile.Read(ref _inline) & 1) == 1 && !_finished && !_watched)
        {
            _watched = true;
            Watchdog.Watch(this);
        }
    }

    private void ExitInline() => Interlocked.Increment(ref _inline);

    /// <summary>
    /// The engine's <see cref="Watchdog"/> looks while calls wait for their deliveries. If the delivering thread has been inside the same
    /// stretch since the last look, a call it runs holds it up (a tool that blocks): the waiting calls, and every later one, then run
    /// without their deliveries, on the pool, with contexts built here, so that one blocking call does not serialise the batch.
    /// </summary>
    bool IWatched.Look()
    {
        int now;
        lock (_gate)
        {
            now = Volatile.Read(ref _inline);
            if (_waitingCount == 0 || _finished || (now & 1) == 0)
            {
                _watched = false; // watched again when a call waits while the delivering thread is inside one (WatchIfHeldLocked)
                return false;
            }
        }

        int seen = Interlocked.Exchange(ref _watchedInline, now);
        if ((now & 1) == 1 && now == seen)
        {
            TakeOver();
        }

        return true;
    }

    private void TakeOver()
    {
        List<(BatchCall, AutoFunctionInvocationContext?, Func<AutoFunctionInvocationContext, Task>?, TaskCompletionSource<object?>)>? taken = null;
        lock (_gate)
        {
            _takenOver = true;
            foreach (var call in _batchCalls)
            {
                if (call.Waiting is { } waiting)
                {
                    call.Waiting = null;
                    (taken ??= []).Add((call, call.Delivered, call.Next, waiting));
                }
            }

            _waitingCount = 0;
        }

        if (taken is null)
        {
            return;
        }

        foreach (var (call, delivered, next, waiting) in taken)
        {
            call.WaitCancellation.Dispose();
            try
            {
                // Semantic Kernel writes nothing to the chat history until every call is answered, so a context may be built here.
                var context = delivered ?? CallCapture.CreateContext(this, call);
                ThreadPool.UnsafeQueueUserWorkItem(s_runTaken, new TakenCall(call, context, next, waiting), preferLocal: false);
            }
            catch (Exception ex)
            {
                waiting.TrySetException(ex); // the call fails; the others are still taken over
            }
        }
    }

    /// <summary>A call the watchdog (or a delivering thread that must not run calls) hands to the pool, with the context it runs with.</summary>
    private sealed class TakenCall(BatchCall call, AutoFunctionInvocationContext context, Func<AutoFunctionInvocationContext, Task>? next, TaskCompletionSource<object?> waiting)
    {
        public BatchCall Call { get; } = call;

        public void Run() => Complete(Call.Batch.RunAsync(Call, context, next, Call.WaitToken), waiting);
    }
}
