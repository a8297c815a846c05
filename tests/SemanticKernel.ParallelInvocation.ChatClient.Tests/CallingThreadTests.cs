using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;

namespace SemanticKernel.ParallelInvocation.ChatClient.Tests;

/// <summary>
/// Where the middleware starts a turn's ready calls: on the thread that asked for the response (as FunctionInvokingChatClient does)
/// unless <see cref="ParallelInvocationOptions.RunReadyCallsOnCallingThread"/> says otherwise, and never so that a blocking tool
/// holds up the rest of the batch.
/// </summary>
public sealed class CallingThreadTests
{
    private static readonly TimeSpan SafetyNet = TimeSpan.FromSeconds(30);

    [Theory]
    [InlineData(null, true)]
    [InlineData(false, false)]
    [InlineData(true, true)]
    public async Task GetResponseAsync_FirstToolBlocksUntilTheSecondRuns_BothRunAndTheFirstRanOnTheCallerOnlyByDefaultOrWhenAsked(bool? option, bool expectedOnCaller)
    {
        using var gate = new ManualResetEventSlim();
        int callerThread = -1;
        bool inside = false, ranInsideTheCall = false;
        var blocker = AIFunctionFactory.Create(
            () =>
            {
                // On the caller's thread while GetResponseAsync has not returned yet: run by the call itself, not by the pool later.
                ranInsideTheCall = Volatile.Read(ref inside) && Environment.CurrentManagedThreadId == callerThread;
                Assert.True(gate.Wait(SafetyNet));
                return "unblocked";
            },
            "blocker");
        var releaser = AIFunctionFactory.Create(() => { gate.Set(); return "released"; }, "releaser");
        var model = new ScriptedChatClient()
            .Then(Turn.Calls(Turn.Call("1", "blocker"), Turn.Call("2", "releaser")))
            .Then(Turn.Text("done"));
        using var client = model.AsParallelFunctionInvoking(o =>
        {
            o.RunReadyCallsOnCallingThread = option;
            o.Declare("blocker", FunctionEffects.Pure).Declare("releaser", FunctionEffects.Pure);
        });

        var response = await Task.Run(() =>
        {
            callerThread = Environment.CurrentManagedThreadId; // a pool thread: no SynchronizationContext
            Volatile.Write(ref inside, true);
            var pending = client.GetResponseAsync("go", new ChatOptions { Tools = [blocker, releaser] });
            Volatile.Write(ref inside, false);
            return pending;
        }).WaitAsync(SafetyNet);

        var results = response.Messages.SelectMany(m => m.Contents).OfType<FunctionResultContent>().Select(r => r.Result?.ToString()).ToList();
        Assert.Equal(["unblocked", "released"], results);
        Assert.Equal(expectedOnCaller, ranInsideTheCall);
    }
}
