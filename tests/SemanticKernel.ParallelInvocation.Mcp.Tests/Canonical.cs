using System;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace SemanticKernel.ParallelInvocation.Mcp.Tests;

/// <summary>
/// Comparable forms of tool results and directory trees. The batch directory becomes <c>{dir}</c> (its name, <c>{rel}</c>), and listing order (the order
/// <c>readdir</c> happens to return) is sorted away: it is not part of what a call observes about the state.
/// </summary>
public static class Canonical
{
    public static string Result(object? result, bool failed, string dir, string? rel = null)
    {
        if (failed)
        {
            return "failed";
        }

        if (result is not JsonElement { ValueKind: JsonValueKind.Object } element)
        {
            return Text(result?.ToString() ?? "null", dir, rel);
        }

        bool isError = element.TryGetProperty("isError", out var e) && e.ValueKind == JsonValueKind.True;
        var texts = element.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.Array
            ? content.EnumerateArray().Select(c => c.TryGetProperty("text", out var t) ? Text(t.GetString() ?? "", dir, rel) : c.GetRawText())
            : [];
        return (isError ? "error: " : "ok: ") + string.Join("\n--\n", texts);
    }

    public static string Tree(string dir)
    {
        var sb = new StringBuilder();
        foreach (string path in Directory.EnumerateFileSystemEntries(dir, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            string relative = Path.GetRelativePath(dir, path).Replace('\\', '/');
            sb.Append(relative).Append(Directory.Exists(path) ? "/" : " = " + File.ReadAllText(path)).Append('\n');
        }

        return sb.ToString();
    }

    private static string Text(string text, string dir, string? rel)
    {
        text = text.Replace(dir, "{dir}", StringComparison.Ordinal);
        if (rel is not null)
        {
            text = text.Replace(rel, "{rel}", StringComparison.Ordinal);
        }

        string trimmed = text.TrimStart();
        if (trimmed.StartsWith('[') || trimmed.StartsWith('{'))
        {
            try
            {
                return Sort(JsonNode.Parse(text))?.ToJsonString() ?? "null";
            }
            catch (JsonException)
            {
            }
        }

        return string.Join("\n", text.Split('\n').Order(StringComparer.Ordinal));
    }

    private static JsonNode? Sort(JsonNode? node) => node switch
    {
        JsonArray array => new JsonArray([.. array.Select(Sort).OrderBy(n => n?.ToJsonString(), StringComparer.Ordinal)]),
        JsonObject obj => new JsonObject(obj.Select(p => new System.Collections.Generic.KeyValuePair<string, JsonNode?>(p.Key, Sort(p.Value)))),
        _ => node?.DeepClone(),
    };
}
