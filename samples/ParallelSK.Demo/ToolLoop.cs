using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;
using SemanticKernel.ParallelInvocation;

namespace ParallelSK.Demo;

/// <summary>
/// The tool loop: ask the model, run the batch of calls it returns through the engine, send the results back in one message, repeat
/// until it answers in text. This is what ParallelFunctionInvokingChatClient does as middleware; once it is available this whole class
/// becomes <c>model.AsBuilder().UseParallelFunctionInvocation(options).Build().GetResponseAsync(messages, chatOptions)</c>.
/// </summary>
internal static class ToolLoop
{
    public const int MaxTurns = 10;

    public static async Task<ChatResponse> RunAsync(IChatClient model, List<ChatMessage> messages, IReadOnlyList<AIFunction> tools, ParallelInvocationOptions options, Action<string>? progress, CancellationToken cancellationToken)
    {
        var executor = new ParallelToolExecutor(options);
        var chatOptions = new ChatOptions { Tools = [.. tools], AllowMultipleToolCalls = true };
        var byName = tools.ToDictionary(t => t.Name, StringComparer.Ordinal);
        for (int turn = 1; turn <= MaxTurns; turn++)
        {
            progress?.Invoke($"turn {turn}: asking the model");
            var response = await model.GetResponseAsync(messages, chatOptions, cancellationToken);
            messages.AddMessages(response);
            var calls = response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>().ToList();
            if (calls.Count == 0)
            {
                return response;
            }

            progress?.Invoke($"turn {turn}: running {calls.Count} tool calls");
            var requests = calls.Select(c => new ToolCallRequest(c.CallId, c.Name, c.Arguments is null ? null : new Dictionary<string, object?>(c.Arguments), byName.GetValueOrDefault(c.Name))
            {
                ArgumentsError = c.Exception,
            }).ToList();
            var report = await executor.ExecuteAsync(requests, cancellationToken);
            messages.Add(new ChatMessage(ChatRole.Tool, [.. report.Calls.Select(o => (AIContent)o.ToResultContent())]));
        }

        throw new InvalidOperationException($"The model was still calling tools after {MaxTurns} turns.");
    }
}
