using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using SemanticKernel.ParallelInvocation.Tests;
using static SemanticKernel.ParallelInvocation.ChatClient.Tests.Harness;
using static SemanticKernel.ParallelInvocation.ChatClient.Tests.Turn;

namespace SemanticKernel.ParallelInvocation.ChatClient.Tests;

/// <summary><c>UseParallelFunctionInvocation</c> in a pipeline with Microsoft.Extensions.AI's own <c>UseOpenTelemetry</c> and <c>UseLogging</c>.</summary>
public sealed class PipelineCompositionTests : IDisposable
{
    private const string ChatSource = "ParallelSK.Tests.PipelineComposition";
    private readonly ConcurrentQueue<Activity> _stopped = new();
    private readonly ActivityListener _listener;

    public PipelineCompositionTests()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name is ChatSource or TelemetryNames.SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public void Dispose() => _listener.Dispose();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task UseOpenTelemetryOutside_ToolSpansNestUnderTheChatSpan(bool streaming)
    {
        var model = new ScriptedChatClient().Then(Calls(Call("c1", "a"), Call("c2", "b"))).Then(Text("done"));
        using var client = model.AsBuilder()
            .UseOpenTelemetry(sourceName: ChatSource)
            .UseParallelFunctionInvocation(o => o.Declare("a", FunctionEffects.Pure).Declare("b", FunctionEffects.Pure))
            .Build();

        var response = await RunAsync(client, streaming, With(Tool("a"), Tool("b")));

        Assert.Equal("done", response.Text);
        var chat = Assert.Single(_stopped, a => a.Source.Name == ChatSource);
        var trace = _stopped.Where(a => a.TraceId == chat.TraceId).ToDictionary(a => a.SpanId);
        var tools = trace.Values.Where(a => a.DisplayName.StartsWith(TelemetryNames.ExecuteToolOperation + " ", StringComparison.Ordinal)).ToList();
        Assert.Equal(["execute_tool a", "execute_tool b"], tools.Select(t => t.DisplayName).Order(StringComparer.Ordinal));
        Assert.All(tools, t => Assert.Contains(chat.SpanId, Ancestors(t, trace)));
    }

    [Fact]
    public async Task UseOpenTelemetryInside_EachModelRequestHasItsOwnChatSpanAndToolsRunOutsideThem()
    {
        var model = new ScriptedChatClient().Then(Calls(Call("c1", "otel_inside"))).Then(Text("done"));
        using var client = model.AsBuilder()
            .UseParallelFunctionInvocation(o => o.Declare("otel_inside", FunctionEffects.Pure))
            .UseOpenTelemetry(sourceName: ChatSource)
            .Build();

        await client.GetResponseAsync(Ask, With(Tool("otel_inside")));

        var chats = _stopped.Where(a => a.Source.Name == ChatSource).ToList();
        Assert.Equal(2, chats.Count);
        var tool = Assert.Single(_stopped, a => a.DisplayName == "execute_tool otel_inside");
        var all = _stopped.GroupBy(a => a.SpanId).ToDictionary(g => g.Key, g => g.First());
        Assert.DoesNotContain(Ancestors(tool, all), chats.Select(c => c.SpanId).Contains);
    }

    [Fact]
    public async Task UseLoggingInside_LogsEveryModelRequestOfTheLoop()
    {
        var logs = new CapturingLoggerProvider();
        using var factory = LoggerFactory.Create(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Debug));
        var model = new ScriptedChatClient().Then(Calls(Call("c1", "a"))).Then(Calls(Call("c2", "a"))).Then(Text("done"));
        using var client = model.AsBuilder()
            .UseParallelFunctionInvocation(o => o.Declare("a", FunctionEffects.Pure), factory)
            .UseLogging(factory)
            .Build();

        await client.GetResponseAsync(Ask, With(Tool("a")));

        Assert.Equal(3, logs.Messages.Count(m => m.Text == "GetResponseAsync invoked."));
        Assert.Equal(2, logs.Messages.Count(m => m.Text.Contains("asked for 1 tool calls", StringComparison.Ordinal)));
    }

    private static AIFunction Tool(string name) => AIFunctionFactory.Create(() => name, name);

    private static IEnumerable<ActivitySpanId> Ancestors(Activity activity, Dictionary<ActivitySpanId, Activity> trace)
    {
        var parent = activity.ParentSpanId;
        while (trace.TryGetValue(parent, out var next))
        {
            yield return parent;
            parent = next.ParentSpanId;
        }
    }
}
