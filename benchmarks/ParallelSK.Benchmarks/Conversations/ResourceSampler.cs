using System;
using System.Threading;

namespace ParallelSK.Benchmarks.Conversations;

/// <summary>Samples thread-pool threads and heap size on its own thread every few milliseconds, keeping the peaks.</summary>
internal sealed class ResourceSampler : IDisposable
{
    private readonly Thread _thread;
    private volatile bool _stop;

    public ResourceSampler()
    {
        _thread = new Thread(Sample) { IsBackground = true, Name = "resource sampler" };
        _thread.Start();
    }

    public int PeakThreads { get; private set; } = ThreadPool.ThreadCount;

    public long PeakHeapBytes { get; private set; } = GC.GetTotalMemory(false);

    public void Dispose()
    {
        _stop = true;
        _thread.Join();
    }

    private void Sample()
    {
        while (!_stop)
        {
            PeakThreads = Math.Max(PeakThreads, ThreadPool.ThreadCount);
            PeakHeapBytes = Math.Max(PeakHeapBytes, GC.GetTotalMemory(false));
            Thread.Sleep(5);
        }
    }
}
