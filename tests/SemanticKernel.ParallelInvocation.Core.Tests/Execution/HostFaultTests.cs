using System;
using System.Collections.Concurrent;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using static SemanticKernel.ParallelInvocation.Tests.Execution.ExecutorTestKit;

namespace SemanticKernel.ParallelInvocation.Tests.Execution;

/// <summary>
/// Host code that throws (callbacks, approval handlers, effects providers, key normalisers) becomes part of the outcomes or a logged
/// error: never a hang, a lost outcome or an unobserved exception. Each test asserts one outcome per call.
/// </summary>
public sealed class HostFaultTests
{
    private static AIFunction Write(string name) => AIFunctionFactory.Create((string key) => "wrote " + key, name);

    private static (ParallelToolExecutor Executor, CapturingLoggerProvider Log) Executor(ParallelInvocationOptions options)
    {
        var log = new CapturingLoggerProvider();
        var factory = LoggerFactory.Create(b => b.AddProvider(log).SetMinimumLevel(LogLevel.Trace));
        return (new ParallelToolExecutor(options, factory), log);
    }

    private static ParallelInvocationOptions Chain() =>
        new ParallelInvocationOptions().Declare("w", FunctionEffects.Writing("doc")).Declare("r", FunctionEffects.Reading("doc"));

    private static ToolCallRequest[] ChainCalls() =>
        [Call("1", Write("w"), new() { ["key"] = "a" }), Call("2", Write("w"), new() { ["key"] = "b" }), Call("3", Write("r"), new() { ["key"] = "c" })];

    [Fact]
    public async Task ExecuteAsync_OnCallCompletedThrows_BatchCompletesWithEveryOutcomeAndLogsTheError()
    {
        var (executor, log) = Executor(Chain());
        var batch = new ToolCallBatch(ChainCalls()) { OnCallCompleted = _ => throw new InvalidOperationException("host bug") };

        var report = await executor.ExecuteAsync(batch).WaitAsync(SafetyNet);

        Assert.Equal(3, report.Calls.Count);
        Assert.All(report.Calls, c => Assert.Equal(ToolCallStatus.Succeeded, c.Status));
        Assert.Equal(3, log.Messages.Count(m => m.Level == LogLevel.Error && m.Text.Contains("OnCallCompleted", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task ExecuteAsync_OnBatchCompletedThrows_ReportStillReturnedAndTheErrorLogged()
    {
        var options = Chain();
        options.OnBatchCompleted = _ => throw new InvalidOperationException("host bug");
        var (executor, log) = Executor(options);

        var report = await executor.ExecuteAsync(ChainCalls()).WaitAsync(SafetyNet);

        Assert.Equal(3, report.Calls.Count);
        Assert.All(report.Calls, c => Assert.Equal(ToolCallStatus.Succeeded, c.Status));
        Assert.Contains(log.Messages, m => m.Level == LogLevel.Error && m.Text.Contains("OnBatchCompleted", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ExecuteAsync_ApprovalHandlerThrows_CallRefusedOthersRun(bool synchronously)
    {
        var options = Chain().Declare("guarded", FunctionEffects.Writing("other").RequiringApproval());
        options.ApprovalHandler = synchronously
            ? (_, _) => throw new InvalidOperationException("approver down")
            : async (_, _) => { await Task.Yield(); throw new InvalidOperationException("approver down"); };
        var (executor, _) = Executor(options);

        var report = await executor.ExecuteAsync([Call("g", Write("guarded"), new() { ["key"] = "x" }), .. ChainCalls()]).WaitAsync(SafetyNet);

        Assert.Equal(4, report.Calls.Count);
        Assert.Equal(ToolCallStatus.Rejected, report.Calls[0].Status);
        Assert.Equal("approver down", report.Calls[0].Exception?.Message);
        Assert.Contains("approval of the call to 'guarded' failed", report.Calls[0].ErrorMessage, StringComparison.Ordinal);
        Assert.All(report.Calls.Skip(1), c => Assert.Equal(ToolCallStatus.Succeeded, c.Status));
    }

    [Fact]
    public async Task ExecuteAsync_ApprovalHandlerThrowsAfterTheCallerCancelled_LoggedNotUnobserved()
    {
        var unobserved = new ConcurrentQueue<AggregateException>();
        EventHandler<UnobservedTaskExceptionEventArgs> onUnobserved = (_, e) => unobserved.Enqueue(e.Exception.Flatten());
        TaskScheduler.UnobservedTaskException += onUnobserved;
        try
        {
            var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var asked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            string marker = "approver failed late " + Guid.NewGuid().ToString("N");
            var options = Chain().Declare("guarded", FunctionEffects.Writing("other").RequiringApproval());
            options.ApprovalHandler = async (_, _) =>
            {
                asked.SetResult();
                await release.Task; // ignores the token
                throw new InvalidOperationException(marker);
            };
            var (executor, log) = Executor(options);
            using var cts = new CancellationTokenSource();

            var run = executor.ExecuteAsync([Call("g", Write("guarded"), new() { ["key"] = "x" })], cts.Token);
            await asked.Task.WaitAsync(SafetyNet);
            cts.Cancel();
            var report = await run.WaitAsync(SafetyNet);
            Assert.Equal(ToolCallStatus.Cancelled, Assert.Single(report.Calls).Status);

            release.SetResult();
            await Eventually(() => log.Messages.Any(m => m.Level == LogLevel.Error && m.Text.Contains("ApprovalHandler", StringComparison.Ordinal)));
            GC.Collect();
            GC.WaitForPendingFinalizers();
            Assert.DoesNotContain(unobserved, e => e.InnerExceptions.Any(i => i.Message == marker));
        }
        finally
        {
            TaskScheduler.UnobservedTaskException -= onUnobserved;
        }
    }

    [Fact]
    public async Task ExecuteAsync_EffectsProviderThrows_ThatCallRejectedWithTheExceptionOthersRun()
    {
        var options = new ParallelInvocationOptions().Declare("w", FunctionEffects.Writing("doc"));
        options.EffectsProviders.Add(new ThrowingProvider());
        var (executor, log) = Executor(options);

        var report = await executor.ExecuteAsync([Call("1", Write("unknown_to_everyone"), new() { ["key"] = "a" }), Call("2", Write("w"), new() { ["key"] = "b" })]).WaitAsync(SafetyNet);

        Assert.Equal(2, report.Calls.Count);
        Assert.Equal(ToolCallStatus.Rejected, report.Calls[0].Status);
        Assert.Equal("provider down", report.Calls[0].Exception?.Message);
        Assert.Contains("side effects of 'unknown_to_everyone' could not be determined", report.Calls[0].ErrorMessage, StringComparison.Ordinal);
        Assert.Equal(ToolCallStatus.Succeeded, report.Calls[1].Status);
        Assert.Contains(log.Messages, m => m.Level == LogLevel.Error && m.Text.Contains("effects provider", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ExecuteAsync_KeyNormaliserThrows_ThatCallRejectedWithTheExceptionOthersRun()
    {
        var options = new ParallelInvocationOptions().Declare("w", FunctionEffects.Writing("fs:{key}"));
        options.KeyNormalizers["fs:"] = path => path == "bad" ? throw new ArgumentException("no such path") : path;
        var (executor, _) = Executor(options);

        var report = await executor.ExecuteAsync([Call("1", Write("w"), new() { ["key"] = "bad" }), Call("2", Write("w"), new() { ["key"] = "good" })]).WaitAsync(SafetyNet);

        Assert.Equal(ToolCallStatus.Rejected, report.Calls[0].Status);
        Assert.IsType<ArgumentException>(report.Calls[0].Exception);
        Assert.Equal(ToolCallStatus.Succeeded, report.Calls[1].Status);
    }

    [Fact]
    public async Task ExecuteAsync_CallSkippedAfterItsApprovalWait_NamesTheCallThatReallyFailed()
    {
        // #0 succeeds, #1 writes doc and fails, #2 writes doc and waits for its approval until #1 has failed: #2 is skipped because of #1.
        var approval = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        var failed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var options = new ParallelInvocationOptions { ApprovalHandler = (_, _) => new ValueTask<bool>(approval.Task) }
            .Declare("ok", FunctionEffects.Pure)
            .Declare("fails", FunctionEffects.Writing("doc"))
            .Declare("guarded", FunctionEffects.Writing("doc").RequiringApproval());
        var batch = new ToolCallBatch([Call("0", Returns("ok", 0)), Call("1", Fn("fails", _ => throw new InvalidOperationException())), Call("2", Returns("guarded", 2))])
        {
            OnCallCompleted = o => { if (o.Index == 1) { failed.SetResult(); } },
        };
        var run = new ParallelToolExecutor(options).ExecuteAsync(batch);

        await failed.Task.WaitAsync(SafetyNet);
        approval.SetResult(true);
        var report = await run.WaitAsync(SafetyNet);

        Assert.Equal(ToolCallStatus.Skipped, report.Calls[2].Status);
        Assert.Equal(1, report.Calls[2].SkippedBecauseOf);
        Assert.Contains("must follow call #1 ('fails', id 1), which failed", report.Calls[2].ErrorMessage, StringComparison.Ordinal);
    }

    private sealed class ThrowingProvider : IFunctionEffectsProvider
    {
        public FunctionEffects? GetEffects(AIFunction function) => throw new InvalidOperationException("provider down");
    }
}

public sealed class TelemetryFaultTests
{
    [Fact]
    public async Task ExecuteAsync_ActivityListenerThrows_CallStillRunsAndTheBatchCompletes()
    {
        string name = "listener_fault_" + Guid.NewGuid().ToString("N");
        using var listener = new System.Diagnostics.ActivityListener
        {
            ShouldListenTo = s => s.Name == TelemetryNames.SourceName,
            Sample = (ref System.Diagnostics.ActivityCreationOptions<System.Diagnostics.ActivityContext> _) => System.Diagnostics.ActivitySamplingResult.AllDataAndRecorded,
            ActivityStarted = a => { if (a.DisplayName.EndsWith(name, StringComparison.Ordinal)) { throw new InvalidOperationException("listener bug"); } },
            ActivityStopped = a => { if (a.DisplayName.EndsWith(name, StringComparison.Ordinal)) { throw new InvalidOperationException("listener bug"); } },
        };
        System.Diagnostics.ActivitySource.AddActivityListener(listener);
        var options = new ParallelInvocationOptions().Declare(name, FunctionEffects.Pure);

        var report = await Run(options, Call("1", Returns(name, "ran")), Call("2", Returns(name, "ran too")));

        Assert.All(report.Calls, c => Assert.Equal(ToolCallStatus.Succeeded, c.Status));
    }
}
