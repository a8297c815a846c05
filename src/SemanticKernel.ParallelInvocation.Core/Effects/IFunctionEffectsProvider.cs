using Microsoft.Extensions.AI;

namespace SemanticKernel.ParallelInvocation;

/// <summary>
/// Supplies declarations for functions that carry their own metadata (MCP tool annotations, OpenAPI operations, host-specific
/// function types). Providers are asked in order after explicit registrations and attributes, before the default policy.
/// </summary>
/// <remarks>Implementations must be thread-safe: they are called concurrently and their answers are cached per function instance.</remarks>
[System.Diagnostics.CodeAnalysis.Experimental(Experiments.EffectsExtensions, UrlFormat = Experiments.UrlFormat)]
public interface IFunctionEffectsProvider
{
    /// <summary>Returns the declaration for <paramref name="function"/>, or <see langword="null"/> if this provider knows nothing about it.</summary>
    /// <param name="function">The function to classify.</param>
    /// <returns>A declaration, or <see langword="null"/>.</returns>
    FunctionEffects? GetEffects(AIFunction function);
}
