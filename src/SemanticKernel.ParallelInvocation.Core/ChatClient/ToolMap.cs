using System;
using System.Collections.Generic;
using Microsoft.Extensions.AI;

namespace SemanticKernel.ParallelInvocation.ChatClient;

/// <summary>
/// A request's tools by name (the request's first, then the client's additional tools; the first of a name wins), kept by the client
/// and reused by the next request whose tool lists hold the same tools under the same names, as most requests of an app do. Never
/// changed once made, so requests running at once may share it. The client keeps the last map, and so the last request's tools,
/// referenced until a request with other tools replaces it.
/// </summary>
internal sealed class ToolMap
{
    private readonly AITool?[] _requestTools;
    private readonly AITool?[] _additionalTools;
    private readonly string?[] _names;

    private ToolMap(IList<AITool>? requestTools, IList<AITool>? additionalTools)
    {
        _requestTools = Snapshot(requestTools);
        _additionalTools = Snapshot(additionalTools);
        _names = new string?[_requestTools.Length + _additionalTools.Length];
        var byName = new Dictionary<string, AITool>(_names.Length, StringComparer.Ordinal);
        Add(_requestTools, 0);
        Add(_additionalTools, _requestTools.Length);
        ByName = byName;

        void Add(AITool?[] tools, int offset)
        {
            for (int i = 0; i < tools.Length; i++)
            {
                if (tools[i] is { } tool)
                {
                    string name = tool.Name;
                    _names[offset + i] = name;
                    byName.TryAdd(name, tool);
                }
            }
        }
    }

    /// <summary>Gets the tools by name.</summary>
    public Dictionary<string, AITool> ByName { get; }

    /// <summary>Returns <paramref name="last"/> when it was made from the same tools under the same names, else a new map.</summary>
    public static ToolMap For(ToolMap? last, IList<AITool>? requestTools, IList<AITool>? additionalTools) =>
        last is not null && last.Matches(requestTools, additionalTools) ? last : new ToolMap(requestTools, additionalTools);

    private bool Matches(IList<AITool>? requestTools, IList<AITool>? additionalTools) =>
        Same(_requestTools, requestTools, 0) && Same(_additionalTools, additionalTools, _requestTools.Length);

    private bool Same(AITool?[] snapshot, IList<AITool>? tools, int offset)
    {
        if ((tools?.Count ?? 0) != snapshot.Length)
        {
            return false;
        }

        for (int i = 0; i < snapshot.Length; i++)
        {
            var tool = tools![i];
            if (!ReferenceEquals(tool, snapshot[i]) || tool is not null && !string.Equals(tool.Name, _names[offset + i], StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    private static AITool?[] Snapshot(IList<AITool>? tools)
    {
        if (tools is null || tools.Count == 0)
        {
            return [];
        }

        var copy = new AITool?[tools.Count];
        tools.CopyTo(copy!, 0);
        return copy;
    }
}
