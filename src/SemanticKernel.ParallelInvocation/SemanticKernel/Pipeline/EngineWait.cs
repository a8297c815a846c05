using System;
using System.Threading;
using System.Threading.Tasks;
using SemanticKernel.ParallelInvocation.Execution;

namespace SemanticKernel.ParallelInvocation;

/// <summary>
/// The engine's pending run of a rendezvous call that waits for its delivery, ended once by whoever takes it from the call (its
/// delivery, the watchdog, a cancellation, or finding it will not be delivered). Without a token that can fire it is a
/// <see cref="DeferredRun"/> (no task: the call completes where it is ended); with one, a task the engine can abandon.
/// </summary>
internal readonly struct EngineWait
{
    private readonly TaskCompletionSource<object?>? _task;
    private readonly DeferredRun _deferred;

    private EngineWait(TaskCompletionSource<object?>? task, DeferredRun deferred)
    {
        _task = task;
        _deferred = deferred;
    }

    public bool IsSet => _task is not null || _deferred.IsSet;

    /// <summary>Starts the wait from the engine's invoker; returns what the invoker returns.</summary>
    public static EngineWait Begin(CancellationToken cancellationToken, out ValueTask<object?> pending)
    {
        if (cancellationToken.CanBeCanceled)
        {
            // Completed outside any lock: its continuation (the engine's, completing the call) may run where it is completed.
            var task = new TaskCompletionSource<object?>();
            pending = new(task.Task);
            return new(task, default);
        }

        pending = DeferredRun.Defer(out var deferred);
        return new(null, deferred);
    }

    public void SetResult(object? result)
    {
        if (_task is { } task)
        {
            task.TrySetResult(result);
        }
        else
        {
            _deferred.End(result, null);
        }
    }

    public void SetException(Exception exception)
    {
        if (_task is { } task)
        {
            task.TrySetException(exception);
        }
        else
        {
            _deferred.End(null, exception);
        }
    }

    public void SetCanceled(CancellationToken cancellationToken)
    {
        if (_task is { } task)
        {
            task.TrySetCanceled(cancellationToken);
        }
        else
        {
            _deferred.End(null, new OperationCanceledException(cancellationToken));
        }
    }
}
