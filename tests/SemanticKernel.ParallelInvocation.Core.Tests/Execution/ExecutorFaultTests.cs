using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using static SemanticKernel.ParallelInvocation.Tests.Execution.ExecutorTestKit;

namespace SemanticKernel.ParallelInvocation.Tests.Execution;

public sealed class ExecutorFaultTests
{
    private static ParallelInvocationOptions Pure(params string[] names)
    {
        var options = new ParallelInvocationOptions();
        foreach (string n in names)
        {
            options.Declare(n, FunctionEffects.Pure);
        }

        return options;
    }

    [Fact]
    public async Task ExecuteAsync_ToolThrows_FailedOutcomeWithExceptionAndHelpfulMessage()
    {
        var boom = new InvalidOperationException("disk on fire");
        var report = await Run(Pure("bad", "good"), Call("1", Fn("bad", _ => throw boom)), Call("2", Returns("good", 7)));
        Assert.Equal(ToolCallStatus.Failed, report.Calls[0].Status);
        Assert.Same(boom, report.Calls[0].Exception);
        Assert.Contains("'bad' failed", report.Calls[0].ErrorMessage, StringComparison.Ordinal);
        Assert.DoesNotContain("disk on fire", report.Calls[0].ErrorMessage, StringComparison.Ordinal);
        Assert.Equal(ToolCallStatus.Succeeded, report.Calls[1].Status);
        Assert.Equal(7, Assert.IsType<System.Text.Json.JsonElement>(report.Calls[1].Result).GetInt32());
    }

    [Fact]
    public async Task ExecuteAsync_DetailedErrors_MessageIncludesException()
    {
        var options = Pure("bad");
        options.IncludeDetailedErrors = true;
        var report = await Run(options, Call("1", Fn("bad", _ => throw new InvalidOperationException("disk on fire"))));
        Assert.Contains("disk on fire", report.Calls[0].ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExecuteAsync_ToolHangsPastTimeoutIgnoringCancellation_TimedOutAndBatchGoesOn()
    {
        var clock = new ManualTimeProvider();
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var never = new TaskCompletionSource<object?>();
        var options = Pure("hang", "after").Declare("hang", FunctionEffects.Writing("x").WithTimeout(TimeSpan.FromSeconds(5)));
        options.Declare("after", FunctionEffects.Reading("y"));
        options.TimeProvider = clock;
        var hang = Fn("hang", _ => { started.SetResult(); return never.Task; });
        var run = new ParallelToolExecutor(options).ExecuteAsync([Call("1", hang), Call("2", Returns("after", "fine"))]);

        await started.Task.WaitAsync(SafetyNet);
        clock.Advance(TimeSpan.FromSeconds(4));
        Assert.False(run.IsCompleted);
        clock.Advance(TimeSpan.FromSeconds(1));
        var report = await run.WaitAsync(SafetyNet);

        Assert.Equal(ToolCallStatus.TimedOut, report.Calls[0].Status);
        Assert.IsType<TimeoutException>(report.Calls[0].Exception);
        Assert.Equal(TimeSpan.FromSeconds(5), report.Calls[0].RunTime);
        Assert.Equal(ToolCallStatus.Succeeded, report.Calls[1].Status);
    }

    [Fact]
    public async Task ExecuteAsync_TimedOutWrite_LaterCallOnSameKeySkippedNamingIt()
    {
        var clock = new ManualTimeProvider();
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var options = new ParallelInvocationOptions { TimeProvider = clock, DefaultTimeout = TimeSpan.FromSeconds(1) }
            .Declare("save", FunctionEffects.Writing("doc"))
            .Declare("load", FunctionEffects.Reading("doc"));
        var save = Fn("save", async ct => { started.SetResult(); await Task.Delay(Timeout.Infinite, ct); return null; });
        var run = new ParallelToolExecutor(options).ExecuteAsync([Call("s", save), Call("l", Returns("load", "v"))]);
        await started.Task.WaitAsync(SafetyNet);
        clock.Advance(TimeSpan.FromSeconds(1));
        var report = await run.WaitAsync(SafetyNet);

        Assert.Equal(ToolCallStatus.TimedOut, report.Calls[0].Status);
        Assert.Equal(ToolCallStatus.Skipped, report.Calls[1].Status);
        Assert.Equal(0, report.Calls[1].SkippedBecauseOf);
        Assert.Contains("call #0 ('save', id s), which timed out", report.Calls[1].ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExecuteAsync_CallerCancelsMidBatch_EveryCallAnsweredEvenIfToolIgnoresCancellation()
    {
        using var cts = new CancellationTokenSource();
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var never = new TaskCompletionSource<object?>();
        var options = new ParallelInvocationOptions()
            .Declare("stubborn", FunctionEffects.Writing("k"))
            .Declare("next", FunctionEffects.Reading("k"))
            .Declare("free", FunctionEffects.Pure);
        var stubborn = Fn("stubborn", _ => { started.SetResult(); return never.Task; });
        var run = new ParallelToolExecutor(options).ExecuteAsync(
            [Call("1", stubborn), Call("2", Returns("next", 1)), Call("3", Returns("free", 2))], cts.Token);
        await started.Task.WaitAsync(SafetyNet);
        cts.Cancel();
        var report = await run.WaitAsync(SafetyNet);

        Assert.Equal(ToolCallStatus.Cancelled, report.Calls[0].Status);
        Assert.Equal(ToolCallStatus.Cancelled, report.Calls[1].Status);
        Assert.Null(report.Calls[1].StartedAt);
        Assert.Equal(3, report.Calls.Count);
        Assert.All(report.Calls, c => Assert.True(c.Status is ToolCallStatus.Cancelled or ToolCallStatus.Succeeded));
    }

    [Fact]
    public async Task ExecuteAsync_AlreadyCancelled_NothingRunsEveryCallCancelled()
    {
        int runs = 0;
        var f = Fn("f", _ => { Interlocked.Increment(ref runs); return Task.FromResult<object?>(1); });
        var report = await new ParallelToolExecutor(Pure("f")).ExecuteAsync([Call("1", f), Call("2", f)], new CancellationToken(true)).WaitAsync(SafetyNet);
        Assert.All(report.Calls, c => Assert.Equal(ToolCallStatus.Cancelled, c.Status));
        Assert.Equal(0, runs);
    }

    [Fact]
    public async Task ExecuteAsync_ToolBlocksSynchronously_OtherCallsStillRun()
    {
        // "blocker" blocks its thread until "releaser" runs: if calls were not offloaded, the batch would never finish.
        using var gate = new ManualResetEventSlim();
        var blocker = Fn("blocker", _ => { Assert.True(gate.Wait(SafetyNet)); return Task.FromResult<object?>("unblocked"); });
        var releaser = Fn("releaser", _ => { gate.Set(); return Task.FromResult<object?>("released"); });
        var report = await Run(Pure("blocker", "releaser"), Call("1", blocker), Call("2", releaser));
        Assert.All(report.Calls, c => Assert.Equal(ToolCallStatus.Succeeded, c.Status));
    }

    [Fact]
    public async Task ExecuteAsync_DuplicateAndEmptyIds_EveryCallRunsWithItsOwnOutcomeInEmittedOrder()
    {
        // As FunctionInvokingChatClient: a repeated id or no id does not stop a call; outcomes stay one per call, in emitted order.
        var report = await Run(Pure("f"), Call("same", Returns("f", 1)), Call("same", Returns("f", 2)), Call("", Returns("f", 3)), Call("", Returns("f", 4)));
        Assert.All(report.Calls, c => Assert.Equal(ToolCallStatus.Succeeded, c.Status));
        Assert.Equal([1, 2, 3, 4], report.Calls.Select(c => ((System.Text.Json.JsonElement)c.Result!).GetInt32()));
        Assert.Equal(["same", "same", "", ""], report.Calls.Select(c => c.CallId));
    }

    [Fact]
    public async Task ExecuteAsync_UnknownFunction_RejectedWithoutBlockingOthers()
    {
        var options = new ParallelInvocationOptions().Declare("ok", FunctionEffects.Exclusive);
        var report = await Run(options, new ToolCallRequest("1", "nope", null, null), Call("2", Returns("ok", 1)));
        Assert.Equal(ToolCallStatus.Rejected, report.Calls[0].Status);
        Assert.Contains("no function named 'nope'", report.Calls[0].ErrorMessage, StringComparison.Ordinal);
        Assert.Equal(ToolCallStatus.Succeeded, report.Calls[1].Status);
        Assert.Empty(report.Calls[1].Predecessors);
    }

    [Fact]
    public async Task ExecuteAsync_MalformedArguments_RejectedWithParseError()
    {
        var parseError = new System.Text.Json.JsonException("unexpected end");
        var request = new ToolCallRequest("1", "f", null, Returns("f", 1)) { ArgumentsError = parseError };
        var report = await Run(Pure("f"), request);
        Assert.Equal(ToolCallStatus.Rejected, report.Calls[0].Status);
        Assert.Same(parseError, report.Calls[0].Exception);
        Assert.Contains("could not be parsed", report.Calls[0].ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExecuteAsync_BatchLargerThanLimit_TailRejectedHeadRuns()
    {
        var options = Pure("f");
        options.MaxBatchSize = 3;
        var calls = Enumerable.Range(0, 5).Select(i => Call($"c{i}", Returns("f", i))).ToArray();
        var report = await Run(options, calls);
        Assert.Equal([ToolCallStatus.Succeeded, ToolCallStatus.Succeeded, ToolCallStatus.Succeeded, ToolCallStatus.Rejected, ToolCallStatus.Rejected], report.Calls.Select(c => c.Status));
        Assert.Contains("at most 3", report.Calls[4].ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExecuteAsync_TenThousandCalls_EveryIdAnsweredInOrder()
    {
        var options = new ParallelInvocationOptions { MaxBatchSize = 10_000 }
            .Declare("put", FunctionEffects.Writing("k/{k}"))
            .Declare("get", FunctionEffects.Reading("k/{k}"));
        var store = new System.Collections.Concurrent.ConcurrentDictionary<int, int>();
        var put = Microsoft.Extensions.AI.AIFunctionFactory.Create((int k, int v) => store[k] = v, "put");
        var get = Microsoft.Extensions.AI.AIFunctionFactory.Create((int k) => store.GetValueOrDefault(k), "get");
        var calls = Enumerable.Range(0, 10_000).Select(i => i % 2 == 0
            ? Call($"c{i}", put, new() { ["k"] = i / 2 % 25, ["v"] = i })
            : Call($"c{i}", get, new() { ["k"] = i / 2 % 25 })).ToArray();
        var report = await Run(options, calls);

        Assert.Equal(10_000, report.Calls.Count);
        Assert.Equal(calls.Select(c => c.CallId), report.Calls.Select(c => c.CallId));
        Assert.All(report.Calls, c => Assert.Equal(ToolCallStatus.Succeeded, c.Status));
        // Each get sees the put emitted just before it on its key: serial equivalence at scale.
        for (int i = 1; i < 10_000; i += 2)
        {
            int lastPut = Enumerable.Range(0, i).Last(j => j % 2 == 0 && j / 2 % 25 == i / 2 % 25);
            Assert.Equal(lastPut, ((System.Text.Json.JsonElement)report.Calls[i].Result!).GetInt32());
        }
    }

    [Fact]
    public async Task ExecuteAsync_FailedWrite_DependentsSkippedReadsOfFailedReadRun()
    {
        var options = new ParallelInvocationOptions()
            .Declare("write", FunctionEffects.Writing("doc"))
            .Declare("read", FunctionEffects.Reading("doc"))
            .Declare("other", FunctionEffects.Writing("elsewhere"));
        var failingWrite = Fn("write", _ => throw new InvalidOperationException());
        var report = await Run(options, Call("w", failingWrite), Call("r", Returns("read", 1)), Call("o", Returns("other", 2)));
        Assert.Equal([ToolCallStatus.Failed, ToolCallStatus.Skipped, ToolCallStatus.Succeeded], report.Calls.Select(c => c.Status));

        var failingRead = Fn("read", _ => throw new InvalidOperationException());
        report = await Run(options, Call("r", failingRead), Call("w", Returns("write", 1)));
        Assert.Equal([ToolCallStatus.Failed, ToolCallStatus.Succeeded], report.Calls.Select(c => c.Status));
    }

    [Fact]
    public async Task ExecuteAsync_RunAllPolicy_DependentsOfFailedWriteStillRun()
    {
        var options = new ParallelInvocationOptions { FailurePolicy = FailurePolicy.RunAll }
            .Declare("write", FunctionEffects.Writing("doc"))
            .Declare("read", FunctionEffects.Reading("doc"));
        var report = await Run(options, Call("w", Fn("write", _ => throw new InvalidOperationException())), Call("r", Returns("read", 1)));
        Assert.Equal([ToolCallStatus.Failed, ToolCallStatus.Succeeded], report.Calls.Select(c => c.Status));
    }

    [Fact]
    public async Task ExecuteAsync_IdempotentFailsOnce_RetriedAndSucceeds()
    {
        int attempts = 0;
        var flaky = Fn("flaky", _ => ++attempts == 1 ? throw new InvalidOperationException("transient") : Task.FromResult<object?>("ok"));
        var options = new ParallelInvocationOptions { MaxRetryAttempts = 2 }.Declare("flaky", FunctionEffects.Reading("x").AsIdempotent());
        var report = await Run(options, Call("1", flaky));
        Assert.Equal(ToolCallStatus.Succeeded, report.Calls[0].Status);
        Assert.Equal(2, report.Calls[0].Attempts);
        Assert.Null(report.Calls[0].Exception);

        attempts = 0;
        options = new ParallelInvocationOptions { MaxRetryAttempts = 2 }.Declare("flaky", FunctionEffects.Reading("x"));
        report = await Run(options, Call("1", flaky));
        Assert.Equal(ToolCallStatus.Failed, report.Calls[0].Status); // not idempotent: never retried
        Assert.Equal(1, report.Calls[0].Attempts);
    }
}
