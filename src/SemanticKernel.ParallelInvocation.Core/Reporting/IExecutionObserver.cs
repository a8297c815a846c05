using System.Diagnostics;

namespace SemanticKernel.ParallelInvocation.Reporting;

/// <summary>What the executor reports as a batch runs; logging, metrics and tracing are adapters over it. Calls may come from many threads at once.</summary>
internal interface IExecutionObserver
{
    /// <summary>A batch was planned and is about to start; returns the batch span, if any.</summary>
    Activity? BatchStarting(ToolCallBatch batch, int planned, int orderingConstraints);

    /// <summary>A call's function is about to run (on the call's own flow); returns the call's span, if any, made current.</summary>
    Activity? CallStarting(Activity? batchActivity, ToolCallOutcome call);

    /// <summary>A call's outcome was decided (ran, or never ran).</summary>
    void CallCompleted(Activity? callActivity, ToolCallOutcome call);

    /// <summary>The batch completed.</summary>
    void BatchCompleted(Activity? batchActivity, BatchReport report);
}
