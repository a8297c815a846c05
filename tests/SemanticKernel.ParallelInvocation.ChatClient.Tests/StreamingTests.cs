using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;
using static SemanticKernel.ParallelInvocation.ChatClient.Tests.Harness;
using static SemanticKernel.ParallelInvocation.ChatClient.Tests.Turn;

namespace SemanticKernel.ParallelInvocation.ChatClient.Tests;

public sealed class StreamingTests
{
    private static readonly AIFunction Echo = AIFunctionFactory.Create((string s) => s, "echo");

    [Fact]
    public async Task GetStreamingResponse_TextUpdates_ReachTheCallerBeforeTheStreamEnds()
    {
        // The model's stream does not go past its first update until the caller has seen that update: buffering would hang (and fail).
        var seen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var answer = new ChatResponse(new ChatMessage(ChatRole.Assistant, [new TextContent("thinking… "), Call("c1", "echo", new { s = "x" })]));
        var model = new ScriptedChatClient().Then(answer).Then(Text("done"));
        model.BetweenUpdates = i => i == 0 ? seen.Task.WaitAsync(TimeSpan.FromSeconds(20)) : Task.CompletedTask;
        using var client = model.AsParallelFunctionInvoking();

        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in client.GetStreamingResponseAsync(Ask, With(Echo)))
        {
            updates.Add(update);
            if (update.Text.StartsWith("thinking", StringComparison.Ordinal))
            {
                seen.TrySetResult();
            }
        }

        Assert.Equal("thinking… ", updates[0].Text);
        Assert.Equal("done", updates[^1].Text);
    }

    [Fact]
    public async Task GetStreamingResponse_ToolCalls_YieldsOneToolUpdateWithEveryResultAndItsReport()
    {
        var model = new ScriptedChatClient().Then(Calls(Call("c1", "echo", new { s = "x" }), Call("c2", "echo", new { s = "y" }))).Then(Text("done"));
        using var client = model.AsParallelFunctionInvoking();

        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in client.GetStreamingResponseAsync(Ask, With(Echo)))
        {
            updates.Add(update);
        }

        var tool = Assert.Single(updates, u => u.Role == ChatRole.Tool);
        Assert.Equal(["c1", "c2"], tool.Contents.Cast<FunctionResultContent>().Select(r => r.CallId));
        var report = Assert.IsType<BatchReport>(tool.AdditionalProperties?[ParallelFunctionInvokingChatClient.BatchReportKey]);
        Assert.Equal(2, report.Calls.Count);
        int toolIndex = updates.IndexOf(tool);
        Assert.Contains(updates.Take(toolIndex), u => u.Contents.OfType<FunctionCallContent>().Any());
        Assert.Equal("done", updates[^1].Text);
    }

    [Fact]
    public async Task GetStreamingResponse_CallsSplitOverUpdates_RunAsOneBatch()
    {
        var reports = new List<BatchReport>();
        var answer = new ChatResponse(
        [
            new ChatMessage(ChatRole.Assistant, [Call("c1", "echo", new { s = "x" })]) { MessageId = "m1" },
            new ChatMessage(ChatRole.Assistant, [Call("c2", "echo", new { s = "y" })]) { MessageId = "m1" },
        ]);
        var model = new ScriptedChatClient().Then(answer).Then(Text("done"));
        using var client = model.AsParallelFunctionInvoking(o => o.OnBatchCompleted = reports.Add);

        await foreach (var _ in client.GetStreamingResponseAsync(Ask, With(Echo)))
        {
        }

        Assert.Equal(2, Assert.Single(reports).Calls.Count);
        Assert.Equal(2, ToolMessageSent(model, 1).Contents.Count);
    }
}
