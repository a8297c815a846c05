namespace SemanticKernel.ParallelInvocation;

/// <summary>What a function gets when nobody declared its effects.</summary>
public enum UndeclaredFunctionPolicy
{
    /// <summary>The safe default: undeclared functions run alone, as Semantic Kernel's sequential mode runs every call.</summary>
    Exclusive,

    /// <summary>Undeclared functions are treated as reading everything and writing nothing: fast, like running every call at once, and wrong if one of them writes.</summary>
    ReadOnly,
}
