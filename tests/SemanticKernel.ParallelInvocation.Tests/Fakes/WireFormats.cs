using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Text.Json;

namespace SemanticKernel.ParallelInvocation.SemanticKernelTests.Fakes;

/// <summary>One call as a model emits it: an id (none for Gemini), the advertised function name, and the raw JSON arguments.</summary>
internal sealed record WireCall(string Id, string Name, string ArgumentsJson);

/// <summary>
/// Responses in the providers' wire formats, shaped like Semantic Kernel's own test fixtures: OpenAI chat completions with several
/// <c>tool_calls</c> in one assistant message (and the streaming variant, one chunk per call, then <c>data: [DONE]</c>), and Gemini
/// <c>generateContent</c> with several <c>functionCall</c> parts (and its server-sent-events variant).
/// </summary>
internal static class WireFormats
{
    public static string OpenAIToolCalls(params WireCall[] calls) => $$"""
        {
          "id": "chatcmpl-test",
          "object": "chat.completion",
          "created": 1699896916,
          "model": "gpt-4o",
          "choices": [
            {
              "index": 0,
              "message": {
                "role": "assistant",
                "content": null,
                "tool_calls": [{{string.Join(",", calls.Select(ToolCall))}}]
              },
              "logprobs": null,
              "finish_reason": "tool_calls"
            }
          ],
          "usage": { "prompt_tokens": 82, "completion_tokens": 17, "total_tokens": 99 }
        }
        """;

    public static string OpenAIText(string text) => $$"""
        {
          "id": "chatcmpl-test-2",
          "object": "chat.completion",
          "created": 1699896917,
          "model": "gpt-4o",
          "choices": [
            { "index": 0, "message": { "role": "assistant", "content": {{JsonSerializer.Serialize(text)}} }, "logprobs": null, "finish_reason": "stop" }
          ],
          "usage": { "prompt_tokens": 120, "completion_tokens": 5, "total_tokens": 125 }
        }
        """;

    public static string OpenAIStreamingToolCalls(params WireCall[] calls)
    {
        var sse = new StringBuilder();
        for (int i = 0; i < calls.Length; i++)
        {
            var c = calls[i];
            string chunk = JsonSerializer.Serialize(new
            {
                id = "chatcmpl-test",
                @object = "chat.completion.chunk",
                created = 1704212243,
                model = "gpt-4o",
                system_fingerprint = (string?)null,
                choices = new[]
                {
                    new
                    {
                        index = 0,
                        delta = new
                        {
                            role = "assistant",
                            content = (string?)null,
                            tool_calls = new[] { new { index = i, id = c.Id, type = "function", function = new { name = c.Name, arguments = c.ArgumentsJson } } },
                        },
                        finish_reason = i == calls.Length - 1 ? "tool_calls" : null,
                    },
                },
            });
            sse.Append("data: ").Append(chunk).Append("\n\n");
        }

        sse.Append("data: [DONE]\n\n");
        return sse.ToString();
    }

    public static string OpenAIStreamingText(string text) =>
        $$"""data: {"id":"chatcmpl-test-2","object":"chat.completion.chunk","created":1704212244,"model":"gpt-4o","system_fingerprint":null,"choices":[{"index":0,"delta":{"role":"assistant","content":{{JsonSerializer.Serialize(text)}}},"finish_reason":"stop"}]}""" + "\n\ndata: [DONE]\n\n";

    public static string GeminiFunctionCalls(params WireCall[] calls) => $$"""
        {
          "candidates": [
            {
              "content": {
                "parts": [{{string.Join(",", calls.Select(c => $$"""{ "functionCall": { "name": {{JsonSerializer.Serialize(c.Name)}}, "args": {{c.ArgumentsJson}} } }"""))}}],
                "role": "model"
              },
              "finishReason": "STOP",
              "index": 0
            }
          ],
          "usageMetadata": { "promptTokenCount": 50, "candidatesTokenCount": 25, "totalTokenCount": 75 }
        }
        """;

    /// <summary>
    /// A Gemini <c>streamGenerateContent?alt=sse</c> body: each response above, compacted to one line, as one server-sent event
    /// (Gemini streams whole <c>GenerateContentResponse</c> objects).
    /// </summary>
    public static string GeminiStreaming(params string[] responses) =>
        string.Concat(responses.Select(r => "data: " + JsonSerializer.Serialize(JsonDocument.Parse(r).RootElement) + "\r\n\r\n"));

    public static string GeminiText(string text) => $$"""
        {
          "candidates": [
            { "content": { "parts": [ { "text": {{JsonSerializer.Serialize(text)}} } ], "role": "model" }, "finishReason": "STOP", "index": 0 }
          ],
          "usageMetadata": { "promptTokenCount": 80, "candidatesTokenCount": 5, "totalTokenCount": 85 }
        }
        """;

    /// <summary>The tool messages of an OpenAI chat-completions request, in order: (tool_call_id, content).</summary>
    public static List<(string Id, string Content)> OpenAIToolResults(JsonElement request) =>
        request.GetProperty("messages").EnumerateArray()
            .Where(m => m.GetProperty("role").GetString() == "tool")
            .Select(m => (m.GetProperty("tool_call_id").GetString()!, ContentText(m.GetProperty("content"))))
            .ToList();

    private static string ToolCall(WireCall c) => $$"""
        { "id": {{JsonSerializer.Serialize(c.Id)}}, "type": "function", "function": { "name": {{JsonSerializer.Serialize(c.Name)}}, "arguments": {{JsonSerializer.Serialize(c.ArgumentsJson)}} } }
        """;

    private static string ContentText(JsonElement content) => content.ValueKind switch
    {
        JsonValueKind.String => content.GetString()!,
        JsonValueKind.Array => string.Concat(content.EnumerateArray().Select(p => p.GetProperty("text").GetString())),
        _ => content.GetRawText(),
    };
}
