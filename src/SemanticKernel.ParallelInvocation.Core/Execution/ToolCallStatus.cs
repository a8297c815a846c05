namespace SemanticKernel.ParallelInvocation;

/// <summary>How a call of a batch ended. Every call of every batch ends in exactly one of these.</summary>
public enum ToolCallStatus
{
    /// <summary>The function ran and returned a result.</summary>
    Succeeded,

    /// <summary>The function threw; the exception is in <see cref="ToolCallOutcome.Exception"/>.</summary>
    Failed,

    /// <summary>The call ran past its timeout and was abandoned; the rest of the batch went on.</summary>
    TimedOut,

    /// <summary>The caller cancelled the batch before the call finished.</summary>
    Cancelled,

    /// <summary>
    /// The call did not run because a call it is ordered after failed (see <see cref="FailurePolicy"/>), or because the host stopped the
    /// batch at another call (a Semantic Kernel filter set <c>Terminate</c>); <see cref="ToolCallOutcome.SkippedBecauseOf"/> names that call.
    /// </summary>
    Skipped,

    /// <summary>The call did not run: unknown function, malformed arguments or argument values, batch too large, approval denied, or not delivered by the host.</summary>
    Rejected,
}
