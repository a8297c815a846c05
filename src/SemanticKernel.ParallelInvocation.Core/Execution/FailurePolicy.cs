namespace SemanticKernel.ParallelInvocation;

/// <summary>What happens to calls ordered after a call that failed, timed out or was skipped.</summary>
public enum FailurePolicy
{
    /// <summary>
    /// A call ordered after a failed <em>write</em> on overlapping keys is skipped, with an error naming the failed call: the state it
    /// expected may not be there. Calls ordered after a failed read still run.
    /// </summary>
    SkipAfterFailedWrite,

    /// <summary>Every call runs when its turn comes, whatever failed before it (what a plain sequential loop does).</summary>
    RunAll,
}
