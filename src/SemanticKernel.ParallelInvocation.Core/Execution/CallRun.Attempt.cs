using System;
using System.Threading;
using System.Threading.RateLimiting;
using System.Threading.Tasks;

namespace SemanticKernel.ParallelInvocation.Execution;

// An attempt whose token can be cancelled, and what happens when it is abandoned. See CallRun.cs for the whole.
internal sealed partial class CallRun
{
    /// <summary>
    /// One attempt of a call whose token can be cancelled (a time limit, or a cancellable caller token). Whichever comes first decides
    /// it: the function ending, or its token firing while the function still runs (then the call is abandoned: decided without waiting,
    /// while the attempt keeps its permit and token sources until the function really ends).
    /// </summary>
    private sealed class Attempt
    {
        private const int Running = 0;
        private const int Ended = 1;
        private const int Abandoned = 2;

        /// <summary>How long a timed-out attempt's decision waits for a function still being invoked to return (real time).</summary>
        private static readonly TimeSpan InvocationGrace = TimeSpan.FromMilliseconds(50);

        private readonly CallRun _call;
        private readonly CancellationTokenSource? _timeout;
        private readonly CancellationTokenRegistration _callerLink;
        private CancellationTokenRegistration _watch;
        private Task<object?>? _work;
        private int _state;
        private int _invoking; // 1 from just before the function is invoked until its return is handled (TryEnd or Await)

        public Attempt(CallRun call, TimeSpan? timeout, CancellationToken callerToken)
        {
            _call = call;
            if (timeout is { } limit)
            {
                // One source per attempt: the time limit, cancelled by the caller's token too. Which fired tells timeout from cancellation.
                _timeout = new CancellationTokenSource(limit, call.Batch.Time);
                if (callerToken.CanBeCanceled)
                {
                    _callerLink = callerToken.UnsafeRegister(static s => ((CancellationTokenSource)s!).Cancel(), _timeout);
                }

                Token = _timeout.Token;
            }
            else
            {
                Token = callerToken;
            }
        }

        /// <summary>Gets the token the function gets.</summary>
        public CancellationToken Token { get; }

        /// <summary>Gets or sets the group permit the attempt holds; released when its function really ends.</summary>
        public RateLimitLease? Lease { get; set; }

        /// <summary>Gets whether the attempt's time limit fired (rather than the caller cancelling).</summary>
        public bool TimeoutFired => _timeout?.IsCancellationRequested == true && !_call.Batch.CancellationToken.IsCancellationRequested;

        /// <summary>Gets the task that completes when an abandoned attempt's function really ends; set when it is abandoned.</summary>
        public TaskCompletionSource? WorkEnded { get; private set; }

        public void Watch() => _watch = Token.UnsafeRegister(static s => ((Attempt)s!).OnTokenFired(), this);

        /// <summary>The function is about to be invoked on this thread.</summary>
        public void EnterInvocation() => Volatile.Write(ref _invoking, 1);

        /// <summary>The function's return has been handled: ended (<see cref="TryEnd"/>) or awaited (<see cref="Await"/>).</summary>
        public void ExitInvocation() => Volatile.Write(ref _invoking, 0);

        /// <summary>The function ended first: the attempt is the caller's to complete.</summary>
        public bool TryEnd() => Interlocked.CompareExchange(ref _state, Ended, Running) == Running;

        public void Await(Task<object?> work)
        {
            _work = work;
            work.ConfigureAwait(false).GetAwaiter().UnsafeOnCompleted(OnWorkEnded);
        }

        /// <summary>Frees the token sources of an attempt that ended (not abandoned) and its permit.</summary>
        public void Release()
        {
            _watch.Unregister();
            _callerLink.Dispose(); // waits for a caller's cancellation in progress, so the source is not cancelled after it is disposed
            _timeout?.Dispose();
            Lease?.Dispose();
            Lease = null;
        }

        /// <summary>The function of an abandoned attempt ended, synchronously, once the thread it blocked was free again.</summary>
        public void WorkEndedLate(ValueTask<object?> completed)
        {
            try
            {
                _ = completed.Result;
            }
            catch (Exception ex)
            {
                _ = ex; // observed: an abandoned attempt's failure is no longer anyone's
            }

            EndAbandoned();
        }

        private void OnWorkEnded()
        {
            if (TryEnd())
            {
                _call.TakeResult(_work!);
                _call.Launch(CallStep.Complete);
            }
            else
            {
                _ = _work!.Exception; // observed
                ThreadPool.UnsafeQueueUserWorkItem(static a => a.EndAbandoned(), this, preferLocal: false);
            }
        }

        /// <summary>The token fired (inside someone's Cancel, perhaps the caller's): decide on the pool, after the token's other callbacks.</summary>
        private void OnTokenFired() => ThreadPool.UnsafeQueueUserWorkItem(static a => a.DecideAbandoned(), this, preferLocal: false);

        private void DecideAbandoned()
        {
            // The token may fire while the function is still being invoked: a tool that honours it may be ending on its own thread right
            // now (it saw the token before it awaited anything). Give that thread up to InvocationGrace to hand its return over, so that
            // such a tool is stopped, not abandoned; a function that blocks its thread is abandoned once the grace is over.
            if (Volatile.Read(ref _invoking) == 1)
            {
                SpinWait.SpinUntil(() => Volatile.Read(ref _invoking) == 0, InvocationGrace);
            }

            // Counted before the race is decided, so the end of the work can never be counted before its start.
            WorkEnded = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _call.Batch.AbandonedWorkBegins();
            if (Interlocked.CompareExchange(ref _state, Abandoned, Running) != Running)
            {
                _call.Batch.AbandonedWorkEnds(null);
                return;
            }

            try
            {
                if (_call.Batch.CallerContext is { } context)
                {
                    ExecutionContext.Run(context, static s => { var a = (Attempt)s!; a._call.OnAbandoned(a); }, this);
                }
                else
                {
                    _call.OnAbandoned(this);
                }
            }
            catch (Exception ex)
            {
                _call.Batch.OnInternalFault(_call, ex);
            }
        }

        /// <summary>An abandoned attempt's function really ended: only now is its permit released.</summary>
        private void EndAbandoned()
        {
            _watch.Unregister();
            _callerLink.Dispose();
            _timeout?.Dispose();
            Lease?.Dispose();
            Lease = null;
            _call.Outcome.WorkEndedAt = _call.Batch.Elapsed();
            WorkEnded!.TrySetResult();
            _call.Batch.AbandonedWorkEnds(_call.Outcome);
        }
    }
}
