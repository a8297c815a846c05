using System;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using ParallelSK.AgentSample;

namespace SemanticKernel.ParallelInvocation.ChatClient.Tests.AgentFramework;

/// <summary>Smoke test of samples/ParallelSK.AgentSample: what it prints is what happened.</summary>
public sealed class AgentSampleTests
{
    [Fact]
    public async Task TripAgent_Run_OneParallelToolLoopWhoseBatchIsPlannedAndShownAsATimeline()
    {
        using var output = new StringWriter();

        var run = await TripAgent.RunAsync(output, latency: TimeSpan.Zero);

        Assert.IsType<ParallelFunctionInvokingChatClient>(run.ToolLoop);
        Assert.Equal(5, run.MiddlewareSaw.Count);
        var batch = Assert.Single(run.Batches);
        Assert.Equal([[], [], [], [], [3]], batch.Calls.Select(c => c.Predecessors.ToArray()));
        Assert.Equal("hotel in Lisbon; note: pack sunscreen", run.Trips["portugal"]);
        Assert.StartsWith("Lisbon looks best (sunny, 24°C)", run.Answer, StringComparison.Ordinal);
        string printed = output.ToString();
        Assert.Contains("Tool loop: ParallelFunctionInvokingChatClient", printed, StringComparison.Ordinal);
        Assert.Contains("AddNote     |", printed, StringComparison.Ordinal);
        Assert.Contains("after #3", printed, StringComparison.Ordinal);
        Assert.Contains("makespan", printed, StringComparison.Ordinal);
    }
}
