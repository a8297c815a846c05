namespace SemanticKernel.ParallelInvocation.Planning;

/// <summary>Why a call waits for an earlier one.</summary>
internal enum DependencyKind : byte
{
    /// <summary>
    /// Ordered only because one of the two calls is undeclared (its keys come from the default policy): it keeps the emitted order, and a
    /// failure never skips across it, as in a plain sequential loop.
    /// </summary>
    Order,

    /// <summary>The earlier call only read what this call writes: its failure changes nothing for this call.</summary>
    AfterRead,

    /// <summary>The earlier call wrote what this call reads or writes.</summary>
    AfterWrite,

    /// <summary>This call needs the earlier call's output.</summary>
    Data,
}

/// <summary>An ordering edge: <see cref="Predecessor"/> must finish before the call that holds this edge starts.</summary>
internal readonly record struct Dependency(int Predecessor, DependencyKind Kind);
