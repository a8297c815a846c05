using System;
using System.Diagnostics;

namespace SemanticKernel.ParallelInvocation.Reporting;

/// <summary>What the executor reports as a batch runs; logging, metrics and tracing are adapters over it. Calls may come from many threads at once.</summary>
internal interface IExecutionObserver
{
    /// <summary>A batch was planned and is about to start; returns the batch span, if any.</summary>
    Activity? BatchStarting(ToolCallBatch batch, int planned, int orderingConstraints);

    /// <summary>A call's function is about to run (on the call's own flow); returns the call's span, if any, made current.</summary>
    Activity? CallStarting(Activity? batchActivity, ToolCallOutcome call);

    /// <summary>A call's outcome was decided (ran, or never ran); the observer ends the call's span, if any.</summary>
    void CallCompleted(Activity? callActivity, ToolCallOutcome call);

    /// <summary>The batch completed.</summary>
    void BatchCompleted(Activity? batchActivity, BatchReport report);

    /// <summary>A ready call has to wait for a permit of its concurrency group.</summary>
    void CallWaitingForPermit(ToolCallOutcome call, string group);

    /// <summary>A call that waited got its group's permit.</summary>
    void CallPermitted(ToolCallOutcome call, string group);

    /// <summary>The function of an abandoned call really ended, releasing its permit.</summary>
    void AbandonedWorkEnded(ToolCallOutcome call);

    /// <summary>Host code (a callback, a provider, a predicate) threw; the batch contained it. <paramref name="index"/> is the call concerned, if any.</summary>
    void HostCallbackFailed(string callback, int? index, Exception exception);
}
