using System;
using System.Collections.Generic;

namespace SemanticKernel.ParallelInvocation.Mcp;

/// <summary>How <see cref="McpToolEffectsProvider"/> turns an MCP tool's arguments into resource keys.</summary>
/// <remarks>Change before handing to a provider: the provider takes a snapshot. Not thread-safe for writes.</remarks>
[System.Diagnostics.CodeAnalysis.Experimental(Experiments.Mcp, UrlFormat = Experiments.UrlFormat)]
public sealed class McpToolEffectsOptions
{
    /// <summary>
    /// Gets key templates by argument name: when a tool's input schema has the argument, the tool reads (read-only tools) or writes
    /// (other tools) the key. For example <c>path</c> → <c>fs:{*path}</c>; an array argument (<c>paths</c> → <c>fs:{*paths}</c>) gives one
    /// key per element. A tool with none of these arguments reads or writes everything.
    /// </summary>
    public IDictionary<string, string> ArgumentKeyTemplates { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Gets tool names to leave to the other declaration sources (the default policy), whatever their annotations say.</summary>
    public ISet<string> IgnoredTools { get; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>
    /// Maps each of <paramref name="argumentNames"/> to the key <c>{prefix}{*argument}</c>, e.g. <c>MapArguments("fs:", "path", "paths")</c>:
    /// the value's <c>/</c> separates key segments (a hierarchical name), unless a path normaliser for the prefix resolves it as a path.
    /// </summary>
    /// <param name="prefix">The key prefix, e.g. <c>fs:</c>; pair it with a key normaliser for that prefix (<see cref="ResourceKeyNormalizers.FilePath"/> for paths).</param>
    /// <param name="argumentNames">The argument names.</param>
    /// <returns>These options, for chaining.</returns>
    public McpToolEffectsOptions MapArguments(string prefix, params string[] argumentNames)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        ArgumentNullException.ThrowIfNull(argumentNames);
        foreach (string name in argumentNames)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(name, nameof(argumentNames));
            ArgumentKeyTemplates[name] = $"{prefix}{{*{name}}}";
        }

        return this;
    }
}
