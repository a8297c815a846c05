using System.Linq;
using System.Text.Json;

namespace ParallelSK.Benchmarks.SemanticKernel;

/// <summary>OpenAI chat.completions responses as the API sends them: an assistant message with tool calls, and a final text.</summary>
internal static class OpenAIWire
{
    public static string ToolCalls(int count, string function) => $$"""
        {
          "id": "chatcmpl-bench",
          "object": "chat.completion",
          "created": 1699896916,
          "model": "gpt-4o-2024-08-06",
          "choices": [
            {
              "index": 0,
              "message": {
                "role": "assistant",
                "content": null,
                "tool_calls": [{{string.Join(",", Enumerable.Range(0, count).Select(i => ToolCall(i, function)))}}],
                "refusal": null
              },
              "logprobs": null,
              "finish_reason": "tool_calls"
            }
          ],
          "usage": { "prompt_tokens": 82, "completion_tokens": 17, "total_tokens": 99 },
          "system_fingerprint": "fp_bench"
        }
        """;

    public static string Text(string text) => $$"""
        {
          "id": "chatcmpl-bench-2",
          "object": "chat.completion",
          "created": 1699896917,
          "model": "gpt-4o-2024-08-06",
          "choices": [
            { "index": 0, "message": { "role": "assistant", "content": {{JsonSerializer.Serialize(text)}}, "refusal": null }, "logprobs": null, "finish_reason": "stop" }
          ],
          "usage": { "prompt_tokens": 120, "completion_tokens": 5, "total_tokens": 125 },
          "system_fingerprint": "fp_bench"
        }
        """;

    private static string ToolCall(int i, string function) =>
        $$"""{ "id": "call_{{i}}", "type": "function", "function": { "name": "{{function}}", "arguments": "{\"id\":{{i}}}" } }""";
}
