using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;
using SemanticKernel.ParallelInvocation.ChatClient.Tests;

namespace SemanticKernel.ParallelInvocation.Mcp.Tests;

/// <summary>One generated batch of filesystem calls, materialised for one directory, and the three ways the tests run it.</summary>
public sealed class FilesystemBatchRunner(FilesystemServerFixture server)
{
    public sealed record Outcome(List<string> Results, string Tree, BatchReport? Report)
    {
        public bool SameAs(Outcome other) => Results.SequenceEqual(other.Results) && Tree == other.Tree;

        public override string ToString() => string.Join("\n", Results) + "\n-- tree --\n" + Tree;
    }

    /// <summary>The reference: each call straight to the server, one after another in emitted order.</summary>
    public async Task<Outcome> RunSequentiallyAsync(IReadOnlyList<(string Tool, Dictionary<string, object?> Arguments)> calls, string dir, string? rel = null)
    {
        var results = new List<string>();
        foreach (var (tool, arguments) in calls)
        {
            try
            {
                var result = await server.Tool(tool).InvokeAsync(new AIFunctionArguments(arguments));
                results.Add(Canonical.Result(result, failed: false, dir, rel));
            }
            catch (Exception ex) when (ex is not Xunit.Sdk.XunitException)
            {
                results.Add(Canonical.Result(null, failed: true, dir, rel));
            }
        }

        return new Outcome(results, Canonical.Tree(dir), null);
    }

    /// <summary>The batch as one model turn through the chat-client middleware, configured by <paramref name="configure"/>.</summary>
    public async Task<Outcome> RunThroughMiddlewareAsync(IReadOnlyList<(string Tool, Dictionary<string, object?> Arguments)> calls, string dir, Action<ParallelInvocationOptions> configure, string? rel = null)
    {
        var contents = calls.Select((c, i) => new FunctionCallContent($"call_{i}", c.Tool, c.Arguments)).ToArray();
        var model = new ScriptedChatClient().Then(Turn.Calls(contents)).Then(Turn.Text("done"));
        BatchReport? report = null;
        using var client = model.AsParallelFunctionInvoking(o =>
        {
            o.FailurePolicy = FailurePolicy.RunAll; // what a plain sequential loop does
            o.OnBatchCompleted = r => report = r;
            configure(o);
        });

        await client.GetResponseAsync([new ChatMessage(ChatRole.User, "go")], new ChatOptions { Tools = [.. server.Tools] });

        var results = model.Requests[1].Messages[^1].Contents.Cast<FunctionResultContent>()
            .Select(r => Canonical.Result(r.Result, r.Exception is not null, dir, rel))
            .ToList();
        return new Outcome(results, Canonical.Tree(dir), report);
    }
}
