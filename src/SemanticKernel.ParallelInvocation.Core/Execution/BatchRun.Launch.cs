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
    /// another. While others still wait, <see cref="Watchdog"/> watches the batch, so that a call that blocks this thread holds
    /// up the calls behind it for a millisecond or two, not until it ends.
    /// </summary>
    private void RunReadyHere(CallRun first)
    {
        if (first.NextToLaunch is null)
        {
            first.RunOnCallingThread(); // nothing waits behind it
            return;
        }

        Volatile.Write(ref _readyHead, first);
        Watchdog.Watch(this);
        RunReady();
    }

    /// <summary>Runs the released calls in order, taking each from the head of their list, until none is left.</summary>
    private void RunReady()
    {
        while (TakeReady() is { } call)
        {
            Interlocked.Increment(ref _readyTaken);
            call.RunOnCallingThread();
        }
    }

    /// <summary>
    /// The watchdog's look (never under the batch's lock): returns whether calls still wait. If none was taken since the last look, the
    /// thread taking them is held up, and a pool helper takes over the rest.
    /// </summary>
    bool IWatched.Look()
    {
        if (Volatile.Read(ref _readyHead) is null)
        {
            return false;
        }

        int taken = Volatile.Read(ref _readyTaken);
        if (taken == _readyTakenAtLastLook && Interlocked.CompareExchange(ref _helperQueued, 1, 0) == 0)
        {
            // One helper at a time: while the pool has not started the last one, queueing more would only add work items.
            ThreadPool.UnsafeQueueUserWorkItem(
                static batch =>
                {
                    Volatile.Write(ref batch._helperQueued, 0);
                    batch.RunReady();
                },
                this,
                preferLocal: false);
        }

        _readyTakenAtLastLook = taken;
        return true;
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
