using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;
using static SemanticKernel.ParallelInvocation.Tests.Execution.ExecutorTestKit;

namespace SemanticKernel.ParallelInvocation.Tests.Execution;

/// <summary>Limits proven by a max-in-flight counter and a gate the test opens, not by timing.</summary>
public sealed class ConcurrencyLimitTests
{
    [Fact]
    public async Task ExecuteAsync_GlobalLimit_NeverMoreInFlightAndLimitReached()
    {
        var gauge = new Gauge();
        var options = new ParallelInvocationOptions { MaxDegreeOfParallelism = 3 }.Declare("t", FunctionEffects.Pure);
        var tool = gauge.Tool("t");
        var run = new ParallelToolExecutor(options).ExecuteAsync(Enumerable.Range(0, 20).Select(i => Call($"c{i}", tool)).ToArray());

        await Eventually(() => gauge.Now == 3);
        gauge.Gate.SetResult();
        var report = await run.WaitAsync(SafetyNet);

        Assert.Equal(3, gauge.Max);
        Assert.Equal(3, report.MaxInFlight);
        Assert.All(report.Calls, c => Assert.Equal(ToolCallStatus.Succeeded, c.Status));
    }

    [Fact]
    public async Task ExecuteAsync_GroupLimit_GroupCappedOthersNotHeldBack()
    {
        var grouped = new Gauge();
        var options = new ParallelInvocationOptions()
            .AddConcurrencyGroup("limit-tests-api", 2)
            .Declare("api_call", FunctionEffects.Pure.InConcurrencyGroup("limit-tests-api"))
            .Declare("local", FunctionEffects.Pure);
        var apiTool = grouped.Tool("api_call");
        var localRuns = 0;
        var local = Fn("local", _ => { Interlocked.Increment(ref localRuns); return Task.FromResult<object?>("local"); });
        var calls = Enumerable.Range(0, 6).Select(i => Call($"a{i}", apiTool)).Concat(Enumerable.Range(0, 4).Select(i => Call($"l{i}", local))).ToArray();
        var run = new ParallelToolExecutor(options).ExecuteAsync(calls);

        // While the group is full and its gate shut, every ungrouped call still runs to completion.
        await Eventually(() => grouped.Now == 2 && Volatile.Read(ref localRuns) == 4);
        grouped.Gate.SetResult();
        var report = await run.WaitAsync(SafetyNet);

        Assert.Equal(2, grouped.Max);
        Assert.All(report.Calls, c => Assert.Equal(ToolCallStatus.Succeeded, c.Status));
    }

    [Fact]
    public async Task ExecuteAsync_GroupLimitOne_CallsGetTheirPermitsInEmittedOrder()
    {
        // Started from a pool thread, calls launched one by one would be taken from its local queue last-in first-out, so a later call
        // could ask the limiter first; the batch asks for its group's permits in emitted order instead.
        var options = new ParallelInvocationOptions()
            .AddConcurrencyGroup("limit-tests-fifo", 1)
            .Declare("api_call", FunctionEffects.Pure.InConcurrencyGroup("limit-tests-fifo"));
        for (int round = 0; round < 50; round++)
        {
            var started = new System.Collections.Concurrent.ConcurrentQueue<int>();
            var tool = AIFunctionFactory.Create((int n) => { started.Enqueue(n); return n; }, "api_call");
            var calls = Enumerable.Range(0, 8).Select(i => Call($"c{i}", tool, new() { ["n"] = i })).ToArray();
            var report = await Task.Run(() => new ParallelToolExecutor(options).ExecuteAsync(calls)).WaitAsync(SafetyNet);

            Assert.All(report.Calls, c => Assert.Equal(ToolCallStatus.Succeeded, c.Status));
            Assert.Equal(Enumerable.Range(0, 8), started);
        }
    }

    [Fact]
    public async Task ExecuteAsync_IndependentReads_AllInFlightTogether()
    {
        var gauge = new Gauge();
        var options = new ParallelInvocationOptions().Declare("read", FunctionEffects.Reading("orders/{id}"));
        var read = gauge.Tool("read");
        var run = new ParallelToolExecutor(options).ExecuteAsync(Enumerable.Range(0, 8).Select(i => Call($"r{i}", read, new() { ["id"] = i })).ToArray());
        await Eventually(() => gauge.Now == 8);
        gauge.Gate.SetResult();
        Assert.Equal(8, (await run.WaitAsync(SafetyNet)).MaxInFlight);
    }

    [Fact]
    public async Task ExecuteAsync_WriteBetweenReads_LaterReadWaitsEarlierDoesNot()
    {
        var order = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var writeGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var options = new ParallelInvocationOptions()
            .Declare("read", FunctionEffects.Reading("doc"))
            .Declare("write", FunctionEffects.Writing("doc"));
        var read = AIFunctionFactory.Create((string tag) => { order.Enqueue("read " + tag); return tag; }, "read");
        var write = Fn("write", async _ => { order.Enqueue("write start"); await writeGate.Task; order.Enqueue("write end"); return null; });
        var run = new ParallelToolExecutor(options).ExecuteAsync([Call("1", read, new() { ["tag"] = "before" }), Call("2", write), Call("3", read, new() { ["tag"] = "after" })]);

        await Eventually(() => order.Contains("write start"));
        Assert.DoesNotContain("read after", order);
        writeGate.SetResult();
        var report = await run.WaitAsync(SafetyNet);

        var seen = order.ToList();
        Assert.True(seen.IndexOf("read before") < seen.IndexOf("write start"));
        Assert.True(seen.IndexOf("write end") < seen.IndexOf("read after"));
        Assert.Equal([1], report.Calls[2].Predecessors);
    }
}
