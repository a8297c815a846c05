using System;
using SemanticKernel.ParallelInvocation.Mcp;

namespace SemanticKernel.ParallelInvocation;

/// <summary>Adds MCP tool annotations as a source of declarations.</summary>
[System.Diagnostics.CodeAnalysis.Experimental(Experiments.Mcp, UrlFormat = Experiments.UrlFormat)]
public static class McpParallelInvocationOptionsExtensions
{
    /// <summary>
    /// Adds a <see cref="McpToolEffectsProvider"/> to <see cref="ParallelInvocationOptions.EffectsProviders"/>. For file-system servers,
    /// map the path arguments and add a path normaliser for their prefix:
    /// <code>options.AddMcpToolAnnotations(m => m.MapArguments("fs:", "path", "paths", "source", "destination"));
    /// options.KeyNormalizers["fs:"] = ResourceKeyNormalizers.FilePath(root);</code>
    /// </summary>
    /// <param name="options">The options.</param>
    /// <param name="configure">Configures the argument-to-key templates; <see langword="null"/> for annotations alone.</param>
    /// <returns><paramref name="options"/>, for chaining.</returns>
    public static ParallelInvocationOptions AddMcpToolAnnotations(this ParallelInvocationOptions options, Action<McpToolEffectsOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var mcp = new McpToolEffectsOptions();
        configure?.Invoke(mcp);
        options.EffectsProviders.Add(new McpToolEffectsProvider(mcp));
        return options;
    }
}
