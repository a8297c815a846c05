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

        int count = 0;
        for (var call = first; call is not null; call = call.NextToLaunch)
        {
            count++;
        }

        var ready = new CallRun[count];
        var next = first;
        for (int i = 0; i < count; i++)
        {
            ready[i] = next!;
            next = next!.NextToLaunch;
            ready[i].NextToLaunch = null;
        }

        _ready = ready;
        RunReady();
    }

    /// <summary>Takes the next waiting ready call and runs it here, until none waits; see <see cref="RunReadyHere"/>.</summary>
    private void RunReady()
    {
        var ready = _ready!;
        int i;
        while ((i = Interlocked.Increment(ref _readyNext) - 1) < ready.Length)
        {
            if (i + 1 < ready.Length && Interlocked.CompareExchange(ref _helperPending, 1, 0) == 0)
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

            ready[i].RunOnCallingThread();
        }
    }

    /// <summary>Hands the calls taken by <see cref="TakeLaunchesLocked"/> to the thread pool, outside the lock.</summary>
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
