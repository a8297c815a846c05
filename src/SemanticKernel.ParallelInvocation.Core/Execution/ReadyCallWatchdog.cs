using System;
using System.Collections.Generic;
using System.Threading;

namespace SemanticKernel.ParallelInvocation.Execution;

/// <summary>
/// Keeps a tool that blocks its thread from holding up the calls waiting behind it on a calling thread
/// (<see cref="ParallelInvocationOptions.RunReadyCallsOnCallingThread"/>): one timer for the process looks at every such batch each
/// <see cref="Period"/>, and a batch whose calling thread has taken no call since the last look while calls still wait gets a
/// thread-pool helper that takes them over. A batch whose calls all finish before the next look costs a list entry, nothing more.
/// </summary>
internal static class ReadyCallWatchdog
{
    /// <summary>How often the watchdog looks: a blocked call holds up the calls behind it for at most about two periods.</summary>
    public static readonly TimeSpan Period = TimeSpan.FromMilliseconds(1);

    private static readonly object s_gate = new();
    private static readonly List<BatchRun> s_watched = [];
    private static readonly Timer s_timer = CreateTimer();
    private static bool s_armed;

    /// <summary>Watches <paramref name="batch"/> until its ready calls have all been taken.</summary>
    public static void Watch(BatchRun batch)
    {
        lock (s_gate)
        {
            s_watched.Add(batch);
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
        lock (s_gate)
        {
            int kept = 0;
            for (int i = 0; i < s_watched.Count; i++)
            {
                var batch = s_watched[i];
                if (batch.LookAtReadyCalls())
                {
                    s_watched[kept++] = batch;
                }
            }

            s_watched.RemoveRange(kept, s_watched.Count - kept);
            if (kept == 0 && s_armed)
            {
                s_armed = false;
                s_timer.Change(Timeout.Infinite, Timeout.Infinite);
            }
        }
    }
}
