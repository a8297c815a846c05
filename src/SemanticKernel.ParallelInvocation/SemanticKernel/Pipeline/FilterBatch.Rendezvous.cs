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
        t_deliveredRun = call.Batch.RunAtDeliveryAsync(call, call.Delivered!, call.Next!, t_deliveredWait);
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

    // What RunDelivered hands into (the engine's wait) and out of (the run) the execution context it runs the call in, on this thread.
    [ThreadStatic]
    private static EngineWait t_deliveredWait;

    [ThreadStatic]
    private static Task? t_deliveredRun;

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
    private ValueTask<object?> WaitForDeliveryLocked(BatchCall call, CancellationToken cancellationToken)
    {
        call.Waiting = EngineWait.Begin(cancellationToken, out var pending);
        call.WaitToken = cancellationToken;
        call.WaitContext = ExecutionContext.Capture();
        _waitingCount++;
        WatchIfHeldLocked();

        return pending;
    }

    /// <summary>The engine's token (the caller's, or a timeout's) ends the wait: the engine decides the call, and its delivery is answered so.</summary>
    private void WatchWait(BatchCall call, CancellationToken cancellationToken)
    {
        var registration = cancellationToken.UnsafeRegister(s_waitCancelled, call);
        lock (_gate)
        {
            if (call.Waiting.IsSet)
            {
                call.WaitCancellation = registration;
                return;
            }
        }

        registration.Dispose(); // the wait already ended
    }

    /// <summary>Takes the engine's pending run of a call being delivered, if it waits for this delivery.</summary>
    private EngineWait TakeWaiting(BatchCall call)
    {
        lock (_gate)
        {
            var waiting = call.Waiting;
            if (!waiting.IsSet)
            {
                return default;
            }

            call.Waiting = default;
            LeaveWaitLocked();
            return waiting;
        }
    }

    /// <summary>
    /// Runs a delivered call the engine waits for: here, on the delivering thread (unless it has a synchronization context, or the options
    /// say calls start on the pool), in the execution context the engine started it in; returns the delivery's answer, or null where the
    /// call is handed to the pool or cancelled (then the delivery waits for the outcome).
    /// </summary>
    private Task? RunDelivered(BatchCall call, AutoFunctionInvocationContext context, Func<AutoFunctionInvocationContext, Task> next, EngineWait waiting)
    {
        call.WaitCancellation.Dispose();
        var token = call.WaitToken;
        if (token.IsCancellationRequested)
        {
            waiting.SetCanceled(token);
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

            t_deliveredWait = waiting;
            ExecutionContext.Run(executionContext, s_runDelivered, call);
            var run = t_deliveredRun;
            t_deliveredRun = null;
            t_deliveredWait = default;
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
    private async Task RunAtDeliveryAsync(BatchCall call, AutoFunctionInvocationContext context, Func<AutoFunctionInvocationContext, Task> next, EngineWait waiting)
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
            waiting.SetException(ex);
        }

        if (succeeded)
        {
            AfterRun(call, context, failed: false);
            object? result = null;
            try
            {
                result = context.Result.GetValue<object>();
            }
            catch (Exception ex)
            {
                waiting.SetException(ex);
                succeeded = false;
            }

            if (succeeded)
            {
                waiting.SetResult(result); // a deferred run completes the call here, before the delivery answers
            }
        }

        if (!succeeded || call.WaitToken.CanBeCanceled || call.Index == _lastIndex || Volatile.Read(ref _haltedAt) != int.MaxValue)
        {
            await AnswerAsync(call, context, next).ConfigureAwait(false);
        }
    }

    /// <summary>Completes the engine's pending run with the call's run, now if it has ended, else when it ends.</summary>
    private static void Complete(ValueTask<object?> run, EngineWait waiting)
    {
        if (!run.IsCompleted)
        {
            _ = CompleteWhenEndedAsync(run, waiting);
            return;
        }

        object? result;
        try
        {
            result = run.GetAwaiter().GetResult();
        }
        catch (Exception ex)
        {
            waiting.SetException(ex);
            return;
        }

        waiting.SetResult(result);
    }

    private static async Task CompleteWhenEndedAsync(ValueTask<object?> run, EngineWait waiting)
    {
        object? result;
        try
        {
            result = await run.ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            waiting.SetException(ex);
            return;
        }

        waiting.SetResult(result);
    }

    /// <summary>The engine's token fired while the call waited for its delivery: the wait ends cancelled, and the delivery runs nothing.</summary>
    private void CancelWait(BatchCall call)
    {
        EngineWait waiting;
        lock (_gate)
        {
            waiting = call.Waiting;
            if (!waiting.IsSet)
            {
                return;
            }

            call.Waiting = default;
            LeaveWaitLocked();
        }

        waiting.SetCanceled(call.WaitToken);
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
        List<(BatchCall, AutoFunctionInvocationContext?, Func<AutoFunctionInvocationContext, Task>?, EngineWait)>? taken = null;
        lock (_gate)
        {
            _takenOver = true;
            foreach (var call in _batchCalls)
            {
                if (call.Waiting is { IsSet: true } waiting)
                {
                    call.Waiting = default;
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
                waiting.SetException(ex); // the call fails; the others are still taken over
            }
        }
    }

    /// <summary>A call the watchdog (or a delivering thread that must not run calls) hands to the pool, with the context it runs with.</summary>
    private sealed class TakenCall(BatchCall call, AutoFunctionInvocationContext context, Func<AutoFunctionInvocationContext, Task>? next, EngineWait waiting)
    {
        public BatchCall Call { get; } = call;

        public void Run() => Complete(Call.Batch.RunAsync(Call, context, next, Call.WaitToken), waiting);
    }
}
