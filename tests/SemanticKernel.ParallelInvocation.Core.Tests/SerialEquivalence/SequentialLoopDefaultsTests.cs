using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;
using SemanticKernel.ParallelInvocation.ChatClient.Tests;

namespace SemanticKernel.ParallelInvocation.Tests.SerialEquivalence;

/// <summary>
/// With nothing declared, ParallelSK behaves like Microsoft.Extensions.AI 10.11's own <see cref="FunctionInvokingChatClient"/> in its
/// serial loop (<c>AllowConcurrentInvocation = false</c>), the control: the same model turn through both runs the same calls, in the
/// same order, and answers each call with the same result, in emitted order.
/// </summary>
public sealed class SequentialLoopDefaultsTests
{
    private sealed record Run(List<string> Invoked, List<(string CallId, string Result, bool Failed)> Results);

    [Fact]
    public async Task UndeclaredFunctions_OneFails_EveryLaterCallStillRuns()
    {
        // The BFCL-style shape of issue 11: with nothing declared, one failure used to skip every later call.
        var turn = () => new[] { Call("c1", "step", 1), Call("c2", "boom", 0), Call("c3", "step", 2), Call("c4", "step", 3), Call("c5", "boom", 0), Call("c6", "step", 4) };

        var control = await RunAsync(turn, ours: false);
        var ours = await RunAsync(turn, ours: true);

        Assert.Equal(["step 1", "boom", "step 2", "step 3", "boom", "step 4"], control.Invoked);
        Assert.Equal(control.Invoked, ours.Invoked);
        AssertSameResults(control, ours);
        Assert.Equal([false, true, false, false, true, false], ours.Results.Select(r => r.Failed));
    }

    [Fact]
    public async Task CallsWithoutIds_RunAndAreAnsweredInEmittedOrder()
    {
        var turn = () => new[] { Call("", "step", 1), Call("", "step", 2), Call("c3", "step", 3), Call("", "boom", 0) };

        var control = await RunAsync(turn, ours: false);
        var ours = await RunAsync(turn, ours: true);

        Assert.Equal(["step 1", "step 2", "step 3", "boom"], control.Invoked);
        Assert.Equal(control.Invoked, ours.Invoked);
        AssertSameResults(control, ours);
        Assert.Equal(["", "", "c3", ""], ours.Results.Select(r => r.CallId));
    }

    [Fact]
    public async Task DuplicateIds_EachCallRunsAndGetsItsOwnResultUnderTheSharedId()
    {
        var turn = () => new[] { Call("same", "step", 1), Call("same", "step", 2), Call("other", "step", 3) };

        var control = await RunAsync(turn, ours: false);
        var ours = await RunAsync(turn, ours: true);

        Assert.Equal(["step 1", "step 2", "step 3"], control.Invoked);
        Assert.Equal(control.Invoked, ours.Invoked);
        AssertSameResults(control, ours);
        Assert.Equal(["same", "same", "other"], ours.Results.Select(r => r.CallId));
    }

    private static void AssertSameResults(Run control, Run ours)
    {
        // Error texts differ by design (ours tell the model what to do); which calls failed, and every success's value, do not.
        Assert.Equal(control.Results.Select(r => (r.CallId, r.Failed ? "failed" : r.Result)), ours.Results.Select(r => (r.CallId, r.Failed ? "failed" : r.Result)));
    }

    private static FunctionCallContent Call(string id, string name, int n) =>
        new(id, name, name == "step" ? new Dictionary<string, object?> { ["n"] = n } : null);

    private static async Task<Run> RunAsync(Func<FunctionCallContent[]> turn, bool ours)
    {
        var invoked = new ConcurrentQueue<string>();
        AITool[] tools =
        [
            AIFunctionFactory.Create((int n) => { invoked.Enqueue($"step {n}"); return n * 10; }, "step"),
            AIFunctionFactory.Create(int () => { invoked.Enqueue("boom"); throw new InvalidOperationException("boom"); }, "boom"),
        ];
        var model = new ScriptedChatClient().Then(Turn.Calls(turn())).Then(Turn.Text("done"));
        using IChatClient client = ours
            ? model.AsParallelFunctionInvoking() // nothing declared: the default policy
            : new FunctionInvokingChatClient(model) { AllowConcurrentInvocation = false };

        await client.GetResponseAsync([new ChatMessage(ChatRole.User, "go")], new ChatOptions { Tools = tools });

        var results = model.Requests[1].Messages.Where(m => m.Role == ChatRole.Tool)
            .SelectMany(m => m.Contents.OfType<FunctionResultContent>())
            .Select(r => (r.CallId, r.Result?.ToString() ?? "null", r.Exception is not null))
            .ToList();
        return new Run([.. invoked], results);
    }
}
