using System.Threading;

namespace SemanticKernel.ParallelInvocation;

/// <summary>
/// Marks, per asynchronous flow, the call whose pipeline the flow is running. A batch is owned by the flow that delivered its first
/// call; a delivery from inside one of its running calls (the call's function processing function calls again, even of the same
/// message) comes from a different flow and belongs to a new batch, so a batch never waits on itself.
/// </summary>
internal static class BatchFlow
{
    private static readonly AsyncLocal<BatchCall?> s_current = new();

    /// <summary>Gets or sets the call the current flow runs, or null outside any.</summary>
    public static BatchCall? Current
    {
        get => s_current.Value;
        set => s_current.Value = value;
    }
}
