using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.Extensions.AI;

namespace SemanticKernel.ParallelInvocation.Mcp;

/// <summary>
/// The effects of the reference MCP filesystem server's tools (<c>@modelcontextprotocol/server-filesystem</c>), as its source shows
/// them, in two key spaces under one allowed directory: <c>fs:</c> for file and directory contents (a directory's key is an ancestor
/// of its entries'), and <c>fsdir:</c> for which directories exist (a call that needs a directory reads its <c>fsdir:</c> key; a call
/// that creates or removes directories writes theirs).
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item><c>read_file</c>, <c>read_text_file</c>, <c>read_media_file</c>, <c>get_file_info</c>: read the file (<c>read_multiple_files</c>: each).</item>
/// <item><c>list_directory</c>, <c>list_directory_with_sizes</c>, <c>directory_tree</c>, <c>search_files</c>: read the whole subtree.</item>
/// <item><c>write_file</c>: writes the file and needs its parent directory. <c>edit_file</c>: reads and writes the file (also with <c>dryRun</c>).</item>
/// <item><c>create_directory</c> is <c>mkdir -p</c>: it writes the directory and may create every missing ancestor, so it is ordered with
/// every call that needs one of those directories.</item>
/// <item><c>move_file</c> writes both ends (for a directory, both subtrees) and needs the destination's parent directory.</item>
/// <item><c>list_allowed_directories</c> touches no file.</item>
/// </list>
/// Thread-safe. Tools of other names, and functions that are not MCP tools, are left to the next source of declarations.
/// </remarks>
internal sealed class McpFilesystemServerEffects : IFunctionEffectsProvider
{
    /// <summary>The key prefix of file and directory contents.</summary>
    public const string Contents = "fs:";

    /// <summary>The key prefix of which directories exist.</summary>
    public const string Directories = "fsdir:";

    private static readonly Dictionary<string, (string[] Arguments, FunctionEffects Effects)> Tools = new(StringComparer.Ordinal)
    {
        ["read_file"] = (["path"], ReadsPath()),
        ["read_text_file"] = (["path"], ReadsPath()),
        ["read_media_file"] = (["path"], ReadsPath()),
        ["get_file_info"] = (["path"], ReadsPath()),
        ["read_multiple_files"] = (["paths"], FunctionEffects.Reading($"{Contents}{{paths}}")),
        ["list_directory"] = (["path"], ReadsPath()),
        ["list_directory_with_sizes"] = (["path"], ReadsPath()),
        ["directory_tree"] = (["path"], ReadsPath()),
        ["search_files"] = (["path"], ReadsPath()),
        ["write_file"] = (["path"], FunctionEffects.Writing($"{Contents}{{path}}").AlsoReading($"{Directories}{{path}}/..").AsIdempotent()),
        ["edit_file"] = (["path"], FunctionEffects.Writing($"{Contents}{{path}}")),
        ["create_directory"] = (["path"], FunctionEffects.Writing($"{Contents}{{path}}", $"{Directories}{{path}}").AsIdempotent()),
        ["move_file"] = (["source", "destination"], FunctionEffects
            .Writing($"{Contents}{{source}}", $"{Contents}{{destination}}", $"{Directories}{{source}}", $"{Directories}{{destination}}")
            .AlsoReading($"{Directories}{{destination}}/..")),
        ["list_allowed_directories"] = ([], FunctionEffects.Pure),
    };

    /// <inheritdoc/>
    public FunctionEffects? GetEffects(AIFunction function)
    {
        ArgumentNullException.ThrowIfNull(function);
        if (McpTools.Find(function) is not { } tool
            || !Tools.TryGetValue(tool.ProtocolTool.Name, out var known))
        {
            return null;
        }

        // A server whose tool of that name takes other arguments is not this one.
        var parameters = McpTools.ParameterNames(tool.JsonSchema);
        return known.Arguments.All(parameters.Contains) ? known.Effects : null;
    }

    private static FunctionEffects ReadsPath() => FunctionEffects.Reading($"{Contents}{{path}}");
}
