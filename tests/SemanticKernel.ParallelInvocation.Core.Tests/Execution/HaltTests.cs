using System;
using System.Linq;
using System.Threading;
using System.Threading.RateLimiting;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;
using static SemanticKernel.ParallelInvocation.Tests.Execution.ExecutorTestKit;

namespace SemanticKernel.ParallelInvocation.Tests.Execution;

/// <summary>
/// <see cref="ToolCallBatch.Halt"/>, the host's way to stop a running batch from starting more calls (Semantic Kernel's Terminate):
/// calls not started end skipped naming the cause, running calls finish, exempt calls go on, waits end skipped.
/// </summary>
public sealed class HaltTests
{
    private static string Halted(ToolCallOutcome o) => $"halted: {o.Name}";

    /// <summary>
    /// A call whose invoker halts its own batch once <paramref name="after"/> has started, as Semantic Kernel's filter does when a
    /// function sets Terminate.
    /// </summary>
    private static ToolCallRequest Halter(string id, string name, Func<ToolCallBatch> batch, Task after, Func<ToolCallOutcome, bool>? exempt = null) =>
        new(id, name, null, Returns(name, null))
        {
            Invoker = async (_, _) =>
            {
                await after;
                batch().Halt(int.Parse(id, System.Globalization.CultureInfo.InvariantCulture), Halted, exempt);
                return "terminated";
            },
        };

    private static ParallelInvocationOptions Options(int dop = ParallelInvocationOptions.Unbounded) =>
        new ParallelInvocationOptions { MaxDegreeOfParallelism = dop }
            .Declare("slow", FunctionEffects.Pure)
            .Declare("halter", FunctionEffects.Writing("doc"))
            .Declare("write", FunctionEffects.Writing("doc"))
            .Declare("slow_write", FunctionEffects.Writing("doc"))
            .Declare("read", FunctionEffects.Reading("doc"))
            .Declare("free", FunctionEffects.Pure);

    [Fact]
    public async Task Halt_FromInsideAnInvoker_UnstartedCallsSkippedNamingTheCauseRunningFinishesExemptRuns()
    {
        var slowGate = new TaskCompletionSource<object?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var slowStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var ran = new System.Collections.Concurrent.ConcurrentBag<string>();
        ToolCallBatch batch = null!;
        AIFunction Tool(string name) => Fn(name, _ => { ran.Add(name); return Task.FromResult<object?>(name); });
        batch = new ToolCallBatch(
        [
            Call("0", Fn("slow", _ => { ran.Add("slow"); slowStarted.SetResult(); return slowGate.Task; })),
            Halter("1", "halter", () => batch, slowStarted.Task, exempt: o => o.Name == "free"),
            Call("2", Tool("write")),
            Call("3", Tool("read")),
            Call("4", Tool("free")),
        ]);

        // Two slots: #0 and #1 start; #2 and #3 wait behind #1's write, #4 for a slot.
        var run = new ParallelToolExecutor(Options(dop: 2)).ExecuteAsync(batch);
        await Eventually(() => ran.Contains("slow"));
        Assert.False(run.IsCompleted);
        slowGate.SetResult("slow done");
        var report = await run.WaitAsync(SafetyNet);

        Assert.Equal(ToolCallStatus.Succeeded, report.Calls[0].Status); // running at the halt: it finishes
        Assert.Equal(ToolCallStatus.Succeeded, report.Calls[1].Status);
        foreach (var skipped in report.Calls.Skip(2).Take(2))
        {
            Assert.Equal(ToolCallStatus.Skipped, skipped.Status);
            Assert.Equal(1, skipped.SkippedBecauseOf);
            Assert.Equal(Halted(skipped), skipped.ErrorMessage);
            Assert.Null(skipped.StartedAt);
        }

        Assert.Equal(ToolCallStatus.Succeeded, report.Calls[4].Status); // exempt
        Assert.Equal(["free", "slow"], ran.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Halt_ExemptCallOrderedAfterAHaltedOne_StillWaitsForTheWriteStillRunning()
    {
        // #0 writes doc (running); #2 writes doc (halted) and dominates #0, so #3's read is ordered after #2 alone. The halt must not
        // release #3 before #0 is done, and #2's skip must not make the exempt #3 skipped.
        var slowGate = new TaskCompletionSource<object?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var slowStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        int firstDone = 0;
        ToolCallBatch batch = null!;
        var slowWrite = Fn("slow_write", async _ => { slowStarted.SetResult(); var r = await slowGate.Task; Volatile.Write(ref firstDone, 1); return r; });
        var read = Fn("read", _ => Task.FromResult<object?>(Volatile.Read(ref firstDone) == 1 ? "after the write" : "too early"));
        var halter = Halter("1", "free", () => batch, slowStarted.Task, exempt: o => o.Name == "read");
        int decided = 0;
        batch = new ToolCallBatch([Call("0", slowWrite), halter, Call("2", Returns("write", "w")), Call("3", read)])
        {
            OnCallCompleted = _ => Interlocked.Increment(ref decided),
        };
        var run = new ParallelToolExecutor(Options()).ExecuteAsync(batch);

        await Eventually(() => Volatile.Read(ref decided) == 1); // the halter ran and halted
        for (int i = 0; i < 200 && Volatile.Read(ref decided) == 1; i++)
        {
            await Task.Yield();
        }

        Assert.Equal(1, Volatile.Read(ref decided)); // #2 waits for #0 before it is decided, #3 for #2
        slowGate.SetResult("written");
        var report = await run.WaitAsync(SafetyNet);

        Assert.Equal(ToolCallStatus.Skipped, report.Calls[2].Status);
        Assert.Equal(ToolCallStatus.Succeeded, report.Calls[3].Status);
        Assert.Equal("after the write", report.Calls[3].Result?.ToString()?.Trim('"'));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Halt_CallWaitingForApproval_SkippedWhenItsApprovalEnds_ApprovedOrNot(bool approve)
    {
        var approval = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        var asked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        int guardedRuns = 0;
        var options = new ParallelInvocationOptions
        {
            ApprovalHandler = (_, _) => { asked.TrySetResult(); return new ValueTask<bool>(approval.Task); },
        }.Declare("guarded", FunctionEffects.Writing("other").RequiringApproval()).Declare("free", FunctionEffects.Pure);
        var guarded = Fn("guarded", _ => { Interlocked.Increment(ref guardedRuns); return Task.FromResult<object?>("ran"); });
        var halted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        ToolCallBatch batch = null!;
        var halter = new ToolCallRequest("1", "free", null, Returns("free", null))
        {
            Invoker = (_, _) => { batch.Halt(1, Halted); halted.SetResult(); return ValueTask.FromResult<object?>("terminated"); },
        };
        batch = new ToolCallBatch([Call("0", guarded), halter]);
        var run = new ParallelToolExecutor(options).ExecuteAsync(batch);

        await Task.WhenAll(asked.Task, halted.Task).WaitAsync(SafetyNet);
        Assert.False(run.IsCompleted); // the approval wait ends first
        approval.SetResult(approve);
        var report = await run.WaitAsync(SafetyNet);

        Assert.Equal(ToolCallStatus.Skipped, report.Calls[0].Status);
        Assert.Equal(1, report.Calls[0].SkippedBecauseOf);
        Assert.Equal(0, Volatile.Read(ref guardedRuns));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Halt_CallWaitingForDelivery_SkippedWhenTheGateAnswers_DeliveredOrNot(bool deliver)
    {
        var delivered = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        var asked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        int runs = 0;
        var write = Fn("write", _ => { Interlocked.Increment(ref runs); return Task.FromResult<object?>("ran"); });
        ToolCallBatch batch = null!;
        var gated = new ToolCallRequest("0", "write", null, write)
        {
            DeliveryGate = _ => { asked.TrySetResult(); return new ValueTask<bool>(delivered.Task); },
        };
        var halted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var halter = new ToolCallRequest("1", "free", null, Returns("free", null))
        {
            Invoker = async (_, _) => { await asked.Task; batch.Halt(1, Halted); halted.SetResult(); return "terminated"; },
        };
        batch = new ToolCallBatch([gated, halter]);
        var run = new ParallelToolExecutor(Options()).ExecuteAsync(batch);

        await halted.Task.WaitAsync(SafetyNet);
        Assert.False(run.IsCompleted); // the delivery wait ends first
        delivered.SetResult(deliver);
        var report = await run.WaitAsync(SafetyNet);

        Assert.Equal(ToolCallStatus.Skipped, report.Calls[0].Status);
        Assert.Equal(1, report.Calls[0].SkippedBecauseOf);
        Assert.Equal(0, Volatile.Read(ref runs));
    }

    [Fact]
    public async Task Halt_CallWaitingForItsGroupsPermit_StopsWaitingAndIsSkipped()
    {
        using var limiter = new ConcurrencyLimiter(new ConcurrencyLimiterOptions { PermitLimit = 1, QueueLimit = 10 });
        using var held = limiter.AttemptAcquire(1); // never released during the test
        int runs = 0;
        var options = Options().AddConcurrencyGroup("held", limiter).Declare("grouped", FunctionEffects.Pure.InConcurrencyGroup("held"));
        var grouped = Fn("grouped", _ => { Interlocked.Increment(ref runs); return Task.FromResult<object?>("ran"); });
        ToolCallBatch batch = null!;
        var halter = new ToolCallRequest("1", "free", null, Returns("free", null))
        {
            Invoker = async (_, _) =>
            {
                await Eventually(() => limiter.GetStatistics()!.CurrentQueuedCount == 1);
                batch.Halt(1, Halted);
                return "terminated";
            },
        };
        batch = new ToolCallBatch([Call("0", grouped), halter]);
        var report = await new ParallelToolExecutor(options).ExecuteAsync(batch).WaitAsync(SafetyNet);

        Assert.Equal(ToolCallStatus.Skipped, report.Calls[0].Status);
        Assert.Equal(Halted(report.Calls[0]), report.Calls[0].ErrorMessage);
        Assert.Equal(0, limiter.GetStatistics()!.CurrentQueuedCount);
        Assert.Equal(0, Volatile.Read(ref runs));
    }

    [Fact]
    public async Task Halt_FromOnCallCompletedAndTwice_OnlyTheFirstCounts()
    {
        ToolCallBatch batch = null!;
        batch = new ToolCallBatch([Call("0", Returns("write", 0)), Call("1", Returns("write", 1)), Call("2", Returns("read", 2))])
        {
            OnCallCompleted = o =>
            {
                if (o.Index == 0)
                {
                    batch.Halt(0, Halted);
                    batch.Halt(1, _ => "second halt"); // idempotent: ignored
                }
            },
        };
        var report = await new ParallelToolExecutor(Options()).ExecuteAsync(batch).WaitAsync(SafetyNet);

        Assert.Equal([ToolCallStatus.Succeeded, ToolCallStatus.Skipped, ToolCallStatus.Skipped], report.Calls.Select(c => c.Status));
        Assert.All(report.Calls.Skip(1), c => Assert.Equal(0, c.SkippedBecauseOf));
        Assert.All(report.Calls.Skip(1), c => Assert.Equal(Halted(c), c.ErrorMessage));
    }

    [Fact]
    public async Task Halt_BeforeTheRun_AppliesWhenItStartsAndAThrowingExemptionCountsAsNotExempt()
    {
        int runs = 0;
        var tool = Fn("free", _ => { Interlocked.Increment(ref runs); return Task.FromResult<object?>(1); });
        var batch = new ToolCallBatch([Call("0", tool), Call("1", tool)]);
        batch.Halt(7, Halted, _ => throw new InvalidOperationException("host bug"));

        var report = await new ParallelToolExecutor(Options()).ExecuteAsync(batch).WaitAsync(SafetyNet);

        Assert.All(report.Calls, c => Assert.Equal(ToolCallStatus.Skipped, c.Status));
        Assert.All(report.Calls, c => Assert.Equal(7, c.SkippedBecauseOf));
        Assert.Equal(0, runs);
    }
}
