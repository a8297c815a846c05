using System;
using System.Net.Http;
using Microsoft.Extensions.AI;
using Microsoft.SemanticKernel;

namespace SemanticKernel.ParallelInvocation;

/// <summary>
/// Declarations carried by Semantic Kernel functions that have no .NET method to put attributes on: a <see cref="FunctionEffects"/>
/// stored in <see cref="KernelFunctionMetadata.AdditionalProperties"/> under <see cref="MetadataKey"/>, and read-only for
/// OpenAPI-imported GET and HEAD operations.
/// </summary>
[System.Diagnostics.CodeAnalysis.Experimental(Experiments.SemanticKernelAdapter, UrlFormat = Experiments.UrlFormat)]
public sealed class KernelFunctionEffectsProvider : IFunctionEffectsProvider
{
    /// <summary>The metadata key under which a <see cref="FunctionEffects"/> is looked up.</summary>
    public const string MetadataKey = "parallel_invocation.effects";

    /// <inheritdoc/>
    public FunctionEffects? GetEffects(AIFunction function)
    {
        if (function is not KernelFunction kernelFunction)
        {
            return null;
        }

        var properties = kernelFunction.Metadata.AdditionalProperties;
        if (properties.TryGetValue(MetadataKey, out object? declared) && declared is FunctionEffects effects)
        {
            return effects;
        }

        // The OpenAPI plugin stores the operation (with its HTTP method) in the metadata; read it without referencing that package.
        if (properties.TryGetValue("operation", out object? operation) && operation is not null
            && operation.GetType().GetProperty("Method")?.GetValue(operation) is HttpMethod method
            && (method == HttpMethod.Get || method == HttpMethod.Head))
        {
            return FunctionEffects.ReadOnly;
        }

        return null;
    }

    /// <summary>Creates the metadata entry that declares <paramref name="effects"/> for a function created without a method (e.g. a prompt function).</summary>
    /// <param name="effects">The declaration.</param>
    /// <returns>The key-value pair to put in <see cref="KernelFunctionFromMethodOptions.AdditionalMetadata"/> or similar.</returns>
    public static System.Collections.Generic.KeyValuePair<string, object?> Declare(FunctionEffects effects) =>
        new(MetadataKey, effects ?? throw new ArgumentNullException(nameof(effects)));
}
