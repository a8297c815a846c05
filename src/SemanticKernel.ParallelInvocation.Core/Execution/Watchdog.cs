using System;
using System.Collections.Generic;
using System.Threading;

namespace SemanticKernel.ParallelInvocation.Execution;

/// <summary>Something <see cref="Watchdog"/> looks at while it has calls that must not wait behind a thread that is held up.</summary>
internal interface IWatched
{
    /// <summary>
    /// Looks once (on a timer thread, never under the watchdog's lock): if the thread that should run the waiting calls made no progress
    /// since the last look, hands them to the thread pool. Returns whether to look again.
    /// </summary>
    bool Look();
}

/// <summary>
/// Keeps a tool that blocks its thread from holding up the calls waiting behind it on that thread: the calls a batch runs on its
/// calling thread (<see cref="ParallelInvocationOptions.RunReadyCallsOnCallingThread"/>), and the calls the Semantic Kernel adapter runs
/// on the thread that delivers them. One timer for the process looks at every watched batch each <see cref="Period"/>; a batch whose
/// thread made no progress between two looks has its waiting calls taken over on the pool. A batch whose calls all finish before the next
/// look costs a list entry, and no thread is woken for it.
/// </summary>
internal static class Watchdog
{
    /// <summary>How often the watchdog looks: a call that blocks holds up the calls behind it for one to two periods.</summary>
    public static readonly TimeSpan Period = TimeSpan.FromMilliseconds(1);

    private static readonly object s_gate = new();
    private static readonly Timer s_timer = CreateTimer();
    private static List<IWatched> s_watched = [];
    private static List<IWatched> s_spare = [];
    private static bool s_armed;
    private static int s_looking;

    /// <summary>Watches <paramref name="watched"/> until its <see cref="IWatched.Look"/> returns false. Safe under the caller's own locks.</summary>
    public static void Watch(IWatched watched)
    {
        lock (s_gate)
        {
            s_watched.Add(watched);
            if (!s_armed)
            {
                s_armed = true;
                s_timer.Change(Period, Period);
            }
        }
    }

    private static Timer CreateTimer()
    {
        using (ExecutionContext.SuppressFlow()) // the process's timer must not keep the first caller's context
        {
            return new Timer(static _ => Look(), null, Timeout.Infinite, Timeout.Infinite);
        }
    }

    private static void Look()
    {
        if (Interlocked.Exchange(ref s_looking, 1) == 1)
        {
            return; // the last look still runs
        }

        try
        {
            List<IWatched> looking;
            lock (s_gate)
            {
                looking = s_watched;
                s_watched = s_spare; // what is watched from now on waits for the next look
            }

            int kept = 0;
            for (int i = 0; i < looking.Count; i++)
            {
                if (LookAt(looking[i]))
                {
                    looking[kept++] = looking[i];
                }
            }

            looking.RemoveRange(kept, looking.Count - kept);
            lock (s_gate)
            {
                s_watched.AddRange(looking);
                looking.Clear();
                s_spare = looking;
                if (s_watched.Count == 0)
                {
                    s_armed = false;
                    s_timer.Change(Timeout.Infinite, Timeout.Infinite);
                }
            }
        }
        finally
        {
            Volatile.Write(ref s_looking, 0);
        }
    }

    private static bool LookAt(IWatched watched)
    {
        try
        {
            return watched.Look();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return false; // a timer thread must not throw; what it watched is no worse off than without a watchdog
        }
    }
}
