using System;
using System.Threading;
using System.Threading.Tasks;
using System.Threading.Tasks.Sources;

namespace SemanticKernel.ParallelInvocation.Execution;

/// <summary>
/// A host invoker's run of a call that ends later, without a task for it: the invoker returns the value of <see cref="Defer"/> and
/// later ends the run exactly once with <see cref="End"/>, on whichever thread; the call completes there, as a call whose function
/// completed synchronously does on the thread that invoked it. For invokers given a token that cannot be cancelled only (nothing can
/// abandon such a run); elsewhere the invoker returns a task. The Semantic Kernel adapter's calls that wait for their delivery use it.
/// </summary>
internal readonly struct DeferredRun
{
    private static readonly ValueTask<object?> Pending = new(PendingSource.Instance, 0);

    private readonly CallRun _run;

    private DeferredRun(CallRun run) => _run = run;

    /// <summary>Gets a value indicating whether this is a run to end (not the default value).</summary>
    public bool IsSet => _run is not null;

    /// <summary>Defers the run of the call whose invoker is running on this thread; the invoker returns the value returned here.</summary>
    /// <exception cref="InvalidOperationException">Not called from an invoker the engine is running, or its token can be cancelled.</exception>
    public static ValueTask<object?> Defer(out DeferredRun run)
    {
        run = new DeferredRun(CallRun.Invoking ?? throw new InvalidOperationException("A run can be deferred only by an invoker the engine is running with a token that cannot be cancelled."));
        return Pending;
    }

    /// <summary>Whether an invoker returned the value of <see cref="Defer"/>.</summary>
    internal static bool IsDeferred(ValueTask<object?> pending) => pending.Equals(Pending);

    /// <summary>Ends the run with the function's result, or its exception; once.</summary>
    public void End(object? result, Exception? error) => _run.EndDeferred(result, error);

    /// <summary>What the engine sees until the host ends the run: pending; nothing ever waits on it.</summary>
    private sealed class PendingSource : IValueTaskSource<object?>
    {
        public static readonly PendingSource Instance = new();

        public ValueTaskSourceStatus GetStatus(short token) => ValueTaskSourceStatus.Pending;

        public object? GetResult(short token) => throw new InvalidOperationException("A deferred run has no result of its own: the host ends it.");

        public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
            throw new InvalidOperationException("A deferred run cannot be awaited: the host ends it.");
    }
}
