using System.Threading;

namespace SemanticKernel.ParallelInvocation.Execution;

// Handing released calls over: to the pool after the lock section that released them, or run on the calling thread
// (ParallelInvocationOptions.RunReadyCallsOnCallingThread). See BatchRun.cs for the whole.
internal sealed partial class BatchRun
{
    /// <summary>Ends a lock section that defers launches: takes the calls it released to start, in the order they were released.</summary>
    private CallRun? TakeLaunchesLocked()
    {
        if (--_deferDepth > 0)
        {
            return null; // a nested section: the outermost one launches them
        }

        var head = _launchHead;
        _launchHead = _launchTail = null;
        return head;
    }

    /// <summary>
    /// Runs the calls ready at the start on this thread (<see cref="ParallelInvocationOptions.RunReadyCallsOnCallingThread"/>), one after
    /// another; before starting one while others still wait, it makes sure a helper is queued to take over if this thread is held up.
    /// </summary>
    private void RunReadyHere(CallRun first)
    {
        if (first.NextToLaunch is null)
        {
            first.RunOnCallingThread(); // nothing waits behind it
            return;
        }

        Volatile.Write(ref _readyHead, first);
        RunReady();
    }

    /// <summary>
    /// Runs the released calls in order, taking each from the head of their list; before each but the last, a pool helper is queued
    /// (one at a time) that takes the next ones, so that a call that blocks holds up only itself.
    /// </summary>
    private void RunReady()
    {
        while (TakeReady() is { } call)
        {
            if (Volatile.Read(ref _readyHead) is not null && Interlocked.CompareExchange(ref _helperPending, 1, 0) == 0)
            {
                ThreadPool.UnsafeQueueUserWorkItem(
                    static batch =>
                    {
                        Volatile.Write(ref batch._helperPending, 0);
                        batch.RunReady();
                    },
                    this,
                    preferLocal: false);
            }

            call.RunOnCallingThread();
        }
    }

    private CallRun? TakeReady()
    {
        // Calls are never put back, so a head seen again is the same list: no ABA.
        var head = Volatile.Read(ref _readyHead);
        while (head is not null)
        {
            var seen = Interlocked.CompareExchange(ref _readyHead, head.NextToLaunch, head);
            if (ReferenceEquals(seen, head))
            {
                return head;
            }

            head = seen;
        }

        return null;
    }

    private static void LaunchAll(CallRun? call)
    {
        while (call is not null)
        {
            var next = call.NextToLaunch;
            call.NextToLaunch = null;
            call.Launch(CallRun.CallStep.Start);
            call = next;
        }
    }
}
