using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using Microsoft.Extensions.AI;
using ModelContextProtocol.Client;

namespace SemanticKernel.ParallelInvocation.Mcp;

/// <summary>What the MCP providers read from a function: the MCP tool behind it and its argument names.</summary>
internal static class McpTools
{
    /// <summary>The MCP tool a function is or wraps, or null.</summary>
    public static McpClientTool? Find(AIFunction function) =>
        function as McpClientTool ?? function.GetService(typeof(McpClientTool)) as McpClientTool;

    /// <summary>The argument names in a tool's input schema.</summary>
    public static HashSet<string> ParameterNames(JsonElement schema) =>
        schema.ValueKind == JsonValueKind.Object && schema.TryGetProperty("properties", out var properties) && properties.ValueKind == JsonValueKind.Object
            ? properties.EnumerateObject().Select(p => p.Name).ToHashSet(StringComparer.Ordinal)
            : [];
}
