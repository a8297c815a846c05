using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Moq;
using SemanticKernel.ParallelInvocation.Reporting;
using static SemanticKernel.ParallelInvocation.Tests.Execution.ExecutorTestKit;

namespace SemanticKernel.ParallelInvocation.Tests.Reporting;

public sealed class TelemetryTests
{
    private static readonly AIFunction Lookup = AIFunctionFactory.Create((string secret) => "result-" + secret, "telemetry_lookup", "Looks things up");

    private static ParallelInvocationOptions Options(bool sensitive) =>
        new ParallelInvocationOptions { EnableSensitiveData = sensitive }.Declare("telemetry_lookup", FunctionEffects.Reading("x/{secret}"));

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ExecuteAsync_WithListener_ExecuteToolSpansFollowGenAiConventions(bool sensitive)
    {
        var spans = new ConcurrentBag<Activity>();
        using var listener = ListenTo(spans);
        string id = Guid.NewGuid().ToString("N");

        await new ParallelToolExecutor(Options(sensitive)).ExecuteAsync([Call(id, Lookup, new() { ["secret"] = "hunter2" })]).WaitAsync(SafetyNet);

        var tool = Assert.Single(spans, s => (string?)s.GetTagItem(TelemetryNames.ToolCallIdTag) == id);
        Assert.Equal("execute_tool telemetry_lookup", tool.DisplayName);
        Assert.Equal("execute_tool", tool.GetTagItem(TelemetryNames.OperationNameTag));
        Assert.Equal("telemetry_lookup", tool.GetTagItem(TelemetryNames.ToolNameTag));
        Assert.Equal("function", tool.GetTagItem(TelemetryNames.ToolTypeTag));
        Assert.Equal("Looks things up", tool.GetTagItem(TelemetryNames.ToolDescriptionTag));
        var batch = Assert.Single(spans, s => s.SpanId == tool.ParentSpanId);
        Assert.Equal(TelemetryNames.BatchActivity, batch.DisplayName);
        Assert.Equal(sensitive, tool.GetTagItem(TelemetryNames.ToolCallArgumentsTag) is string args && args.Contains("hunter2", StringComparison.Ordinal));
        Assert.Equal(sensitive, tool.GetTagItem(TelemetryNames.ToolCallResultTag) is string r && r.Contains("result-hunter2", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ExecuteAsync_FailedCall_SpanMarkedErrorWithType()
    {
        var spans = new ConcurrentBag<Activity>();
        using var listener = ListenTo(spans);
        string id = Guid.NewGuid().ToString("N");
        var bad = Fn("telemetry_bad", _ => throw new TimeZoneNotFoundException());
        await new ParallelToolExecutor(new ParallelInvocationOptions().Declare("telemetry_bad", FunctionEffects.Pure)).ExecuteAsync([Call(id, bad)]).WaitAsync(SafetyNet);
        var tool = Assert.Single(spans, s => (string?)s.GetTagItem(TelemetryNames.ToolCallIdTag) == id);
        Assert.Equal(ActivityStatusCode.Error, tool.Status);
        Assert.Equal(typeof(TimeZoneNotFoundException).FullName, tool.GetTagItem(TelemetryNames.ErrorTypeTag));
    }

    [Fact]
    public async Task ExecuteAsync_WithMeterListener_RecordsCallDurationPerTool()
    {
        var measured = new ConcurrentBag<(string Instrument, string? Tool)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == TelemetryNames.SourceName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<double>((instrument, _, tags, _) =>
            measured.Add((instrument.Name, tags.ToArray().FirstOrDefault(t => t.Key == TelemetryNames.ToolNameTag).Value as string)));
        listener.Start();
        var tool = Returns("metered_tool", 1);
        await new ParallelToolExecutor(new ParallelInvocationOptions().Declare("metered_tool", FunctionEffects.Pure)).ExecuteAsync([Call("1", tool)]).WaitAsync(SafetyNet);
        Assert.Contains((TelemetryNames.CallDuration, "metered_tool"), measured);
        Assert.Contains((TelemetryNames.CallQueueWait, "metered_tool"), measured);
        Assert.Contains(measured, m => m.Instrument == TelemetryNames.BatchDuration);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ExecuteAsync_Logging_ArgumentsAndResultsOnlyWithSensitiveData(bool sensitive)
    {
        var sink = new CapturingLoggerProvider();
        using var factory = LoggerFactory.Create(b => b.AddProvider(sink).SetMinimumLevel(LogLevel.Trace));
        var batch = new ToolCallBatch([Call("1", Lookup, new() { ["secret"] = "hunter2" })]);
        batch.Diagnostics.Add("AllowMultipleToolCalls is false");
        await new ParallelToolExecutor(Options(sensitive), factory).ExecuteAsync(batch).WaitAsync(SafetyNet);

        Assert.Contains(sink.Messages, m => m.Level == LogLevel.Debug && m.Text.Contains("telemetry_lookup (1) started", StringComparison.Ordinal));
        Assert.Contains(sink.Messages, m => m.Level == LogLevel.Warning && m.Text.Contains("AllowMultipleToolCalls is false", StringComparison.Ordinal));
        Assert.Equal(sensitive, sink.Messages.Any(m => m.Text.Contains("hunter2", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task ExecuteAsync_Observer_CompletedExactlyOncePerCallWhateverTheOutcome()
    {
        var observer = new Mock<IExecutionObserver>();
        var options = new ParallelInvocationOptions()
            .Declare("w", FunctionEffects.Writing("k"))
            .Declare("r", FunctionEffects.Reading("k"));
        var executor = new ParallelToolExecutor(options, observer.Object);
        var failingWrite = Fn("w", _ => throw new InvalidOperationException());
        var report = await executor.ExecuteAsync([Call("1", failingWrite), Call("2", Returns("r", 1)), new ToolCallRequest("3", "unknown", null, null)]).WaitAsync(SafetyNet);

        foreach (var call in report.Calls)
        {
            observer.Verify(o => o.CallCompleted(It.IsAny<Activity?>(), call), Times.Once());
        }

        observer.Verify(o => o.CallStarting(It.IsAny<Activity?>(), It.IsAny<ToolCallOutcome>()), Times.Once()); // only the write ran
        observer.Verify(o => o.BatchCompleted(It.IsAny<Activity?>(), report), Times.Once());
    }

    [Fact]
    public async Task OnBatchCompleted_ReceivesTheReturnedReport()
    {
        BatchReport? seen = null;
        var options = new ParallelInvocationOptions { OnBatchCompleted = r => seen = r }.Declare("f", FunctionEffects.Pure);
        var report = await Run(options, Call("1", Returns("f", 1)));
        Assert.Same(report, seen);
        Assert.Contains("#0 f", report.ToTimeline(), StringComparison.Ordinal);
    }

    private static ActivityListener ListenTo(ConcurrentBag<Activity> spans)
    {
        var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == TelemetryNames.SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Add,
        };
        ActivitySource.AddActivityListener(listener);
        return listener;
    }

    private sealed class CapturingLoggerProvider : ILoggerProvider
    {
        public ConcurrentQueue<(LogLevel Level, string Text)> Messages { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Logger(this);

        public void Dispose()
        {
        }

        private sealed class Logger(CapturingLoggerProvider owner) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                owner.Messages.Enqueue((logLevel, formatter(state, exception)));
        }
    }
}
