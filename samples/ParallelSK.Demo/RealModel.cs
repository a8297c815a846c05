using System;
using Anthropic;
using Microsoft.Extensions.AI;

namespace ParallelSK.Demo;

/// <summary>
/// The real-model path: with ANTHROPIC_API_KEY set, the conversation goes to Claude through the official Anthropic SDK's IChatClient,
/// wrapped in ParallelSK's middleware (ParallelFunctionInvokingChatClient), which runs the tool batches Claude returns. Not exercised by
/// the tests or CI: they have no network.
/// </summary>
internal static class RealModel
{
    public const string KeyVariable = "ANTHROPIC_API_KEY";
    public const string DefaultModel = "claude-sonnet-4-5";

    public static IChatClient? TryCreate(DemoOptions options, Func<string, string?> environment)
    {
        if (options.ForceScripted || string.IsNullOrWhiteSpace(environment(KeyVariable)))
        {
            return null;
        }

        string model = options.Model ?? environment("ANTHROPIC_MODEL") ?? DefaultModel;
        return new AnthropicClient().AsIChatClient(model, defaultMaxOutputTokens: 1024);
    }
}
