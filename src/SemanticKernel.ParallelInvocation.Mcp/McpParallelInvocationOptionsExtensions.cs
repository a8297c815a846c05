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
    /// For the reference filesystem server, <see cref="AddMcpFilesystemServerEffects"/> says what its tools really touch.
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

    /// <summary>
    /// Opts into the effects of the reference MCP filesystem server's tools (<c>@modelcontextprotocol/server-filesystem</c>): what each
    /// tool really touches, which its annotations do not say. <c>create_directory</c> is <c>mkdir -p</c> and may create every missing
    /// ancestor; <c>move_file</c> writes both ends (for a directory, both subtrees); <c>edit_file</c> reads and writes; <c>write_file</c>
    /// and <c>move_file</c> need the parent directory of what they create; the listing tools read their whole subtree; the reading
    /// tools read their files. Paths are keyed as the server resolves them (<see cref="ResourceKeyNormalizers.FilePath"/> with
    /// <paramref name="allowedDirectory"/> as the base for relative paths, and <c>~</c> or <c>~/</c> under the server's home directory).
    /// </summary>
    /// <param name="options">The options.</param>
    /// <param name="allowedDirectory">The server's (first) allowed directory, against which it resolves relative paths.</param>
    /// <param name="homeDirectory">The server process's home directory (its <c>HOME</c>), which it expands <c>~</c> to; this process's when <see langword="null"/>.</param>
    /// <param name="ignoreCase">Whether paths differing only in case name one file; by default true on Windows and macOS.</param>
    /// <returns><paramref name="options"/>, for chaining.</returns>
    /// <remarks>
    /// The profile is asked before every other provider (so before <see cref="AddMcpToolAnnotations"/>) and applies to MCP tools with the
    /// server's tool names and argument names; other tools fall through. It uses the key prefixes <c>fs:</c> (contents) and <c>fsdir:</c>
    /// (which directories exist) and sets their normalisers. If several connected servers have tools of these names, give the other
    /// servers' tools other names (<c>McpClientTool.WithName</c>) or list them in <see cref="McpToolEffectsOptions.IgnoredTools"/> of
    /// their own provider placed first.
    /// </remarks>
    public static ParallelInvocationOptions AddMcpFilesystemServerEffects(this ParallelInvocationOptions options, string allowedDirectory, string? homeDirectory = null, bool? ignoreCase = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(allowedDirectory);
        options.EffectsProviders.Insert(0, new McpFilesystemServerEffects());
        string home = homeDirectory ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        var normalizer = ResourceKeyNormalizers.FilePath(allowedDirectory, ignoreCase, home);
        options.KeyNormalizers[McpFilesystemServerEffects.Contents] = normalizer;
        options.KeyNormalizers[McpFilesystemServerEffects.Directories] = normalizer;
        return options;
    }
}
