using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.Extensions.AI;
using ModelContextProtocol.Client;

namespace SemanticKernel.ParallelInvocation.Mcp;

/// <summary>
/// Declares the effects of MCP tools (<see cref="McpClientTool"/>) from their annotations: <c>readOnlyHint</c> → reads, otherwise
/// writes (MCP's defaults: a tool is not read-only unless it says so); <c>idempotentHint</c> → <see cref="FunctionEffects.AsIdempotent"/>.
/// Keys come from <see cref="McpToolEffectsOptions.ArgumentKeyTemplates"/> for the arguments the tool has; without any, a read-only tool
/// reads everything and any other tool runs alone. A tool without annotations, or a function that is not an MCP tool, gets
/// <see langword="null"/>, so the next source (the default policy) applies.
/// </summary>
/// <remarks>
/// Annotations are hints from the server; trust them only for servers you trust. Register a declaration by name in
/// <see cref="ParallelInvocationOptions.Functions"/> to override one. Thread-safe.
/// </remarks>
[System.Diagnostics.CodeAnalysis.Experimental(Experiments.Mcp, UrlFormat = Experiments.UrlFormat)]
public sealed class McpToolEffectsProvider : IFunctionEffectsProvider
{
    private readonly KeyValuePair<string, string>[] _templates;
    private readonly HashSet<string> _ignored;

    /// <summary>Initializes a new instance of the <see cref="McpToolEffectsProvider"/> class.</summary>
    /// <param name="options">How arguments map to keys; <see langword="null"/> for none (annotations alone).</param>
    public McpToolEffectsProvider(McpToolEffectsOptions? options = null)
    {
        _templates = [.. options?.ArgumentKeyTemplates ?? new Dictionary<string, string>()];
        _ignored = new HashSet<string>(options?.IgnoredTools ?? new HashSet<string>(), StringComparer.Ordinal);
    }

    /// <inheritdoc/>
    public FunctionEffects? GetEffects(AIFunction function)
    {
        ArgumentNullException.ThrowIfNull(function);
        if (McpTools.Find(function) is not { } tool
            || tool.ProtocolTool.Annotations is not { } annotations
            || _ignored.Contains(function.Name))
        {
            return null;
        }

        var parameters = McpTools.ParameterNames(tool.JsonSchema);
        string[] keys = [.. _templates.Where(t => parameters.Contains(t.Key)).Select(t => t.Value)];
        var effects = annotations.ReadOnlyHint == true ? FunctionEffects.Reading(keys) : FunctionEffects.Writing(keys);
        return annotations.IdempotentHint == true ? effects.AsIdempotent() : effects;
    }
}
