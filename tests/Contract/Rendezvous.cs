using System;
using System.Threading;
using System.Threading.Tasks;

namespace SemanticKernel.ParallelInvocation.Tests.Contract;

/// <summary>
/// Lets <c>parties</c> calls wait for each other: each returns once all have arrived, which proves they overlapped without timing them.
/// If they never all arrive (the calls ran one after another), each fails after a generous safety timeout instead of hanging the test.
/// </summary>
public sealed class Rendezvous(int parties, TimeSpan? safetyTimeout = null)
{
    private readonly TaskCompletionSource _all = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _arrived;

    /// <summary>Gets a value indicating whether every party was there at the same time.</summary>
    public bool Met => _all.Task.IsCompletedSuccessfully;

    public async Task ArriveAsync()
    {
        if (Interlocked.Increment(ref _arrived) == parties)
        {
            _all.TrySetResult();
        }

        try
        {
            await _all.Task.WaitAsync(safetyTimeout ?? TimeSpan.FromSeconds(20));
        }
        catch (TimeoutException)
        {
            // Whoever comes later was not there at the same time either.
            var failure = new TimeoutException($"Only {Volatile.Read(ref _arrived)} of {parties} calls were running at the same time.");
            _all.TrySetException(failure);
            throw failure;
        }
    }
}
