using System;
using System.Linq;
using System.Text.Json.Nodes;

namespace SemanticKernel.ParallelInvocation.ChatClient.Tests.Anthropic;

/// <summary>Reads the Messages API requests the emulator received: tool results and the tool_use blocks they answer.</summary>
public static class AnthropicWire
{
    public static string ResultText(JsonNode? result) => result!["content"] switch
    {
        JsonValue v => Unquote(v.GetValue<string>()), // the SDK sends a JSON-serialised result as JSON, a string result as it is
        JsonArray a => string.Concat(a.Select(p => p!["text"]?.GetValue<string>())),
        var other => other?.ToJsonString() ?? "",
    };

    private static string Unquote(string text) => text.StartsWith('"') ? JsonNode.Parse(text)!.GetValue<string>() : text;

    /// <summary>Checks, inside the emulator, that the last message is one user message with one tool_result per id, in order.</summary>
    public static void ExpectToolResults(JsonNode body, string[] ids, int[] errors)
    {
        var messages = body["messages"]!.AsArray();
        var last = messages[^1]!;
        if (last["role"]?.GetValue<string>() != "user")
        {
            throw new InvalidOperationException($"expected the last message to be the user's tool results, got {last.ToJsonString()}");
        }

        var blocks = last["content"]!.AsArray();
        var got = blocks.Select(b => (Type: b!["type"]?.GetValue<string>(), Id: b["tool_use_id"]?.GetValue<string>(), Error: b["is_error"]?.GetValue<bool>() == true)).ToList();
        if (got.Any(b => b.Type != "tool_result") || !got.Select(b => b.Id).SequenceEqual(ids))
        {
            throw new InvalidOperationException($"expected tool_results for [{string.Join(", ", ids)}], got {last.ToJsonString()}");
        }

        var assistant = messages[^2]!;
        var toolUses = assistant["content"]!.AsArray().Where(b => b!["type"]?.GetValue<string>() == "tool_use").Select(b => b!["id"]!.GetValue<string>());
        if (!toolUses.SequenceEqual(ids))
        {
            throw new InvalidOperationException($"expected the assistant's tool_use blocks [{string.Join(", ", ids)}] before the results, got {assistant.ToJsonString()}");
        }

        var errorIndexes = got.Select((b, i) => (b.Error, i)).Where(x => x.Error).Select(x => x.i);
        if (!errorIndexes.SequenceEqual(errors))
        {
            throw new InvalidOperationException($"expected is_error on results [{string.Join(", ", errors)}] only, got {last.ToJsonString()}");
        }
    }

    /// <summary>Gets the tool_use_ids of every tool_result block in the request's messages, in order.</summary>
    public static string[] AllToolResultIds(JsonNode body) =>
        [.. body["messages"]!.AsArray()
            .Where(m => m!["content"] is JsonArray)
            .SelectMany(m => m!["content"]!.AsArray())
            .Where(b => b!["type"]?.GetValue<string>() == "tool_result")
            .Select(b => b!["tool_use_id"]!.GetValue<string>())];

    /// <summary>Gets the text of the tool_result answering <paramref name="id"/> in the request's last message.</summary>
    public static string ResultFor(JsonNode body, string id) =>
        ResultText(body["messages"]!.AsArray()[^1]!["content"]!.AsArray().Single(b => b!["tool_use_id"]?.GetValue<string>() == id));
}
