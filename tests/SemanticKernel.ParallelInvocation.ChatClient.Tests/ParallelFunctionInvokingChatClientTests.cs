using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using static SemanticKernel.ParallelInvocation.ChatClient.Tests.Harness;
using static SemanticKernel.ParallelInvocation.ChatClient.Tests.Turn;

namespace SemanticKernel.ParallelInvocation.ChatClient.Tests;

public sealed class ParallelFunctionInvokingChatClientTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task GetResponse_IndependentReads_RunAtOnceAndAnswerInOneToolMessage(bool streaming)
    {
        var meeting = new Rendezvous(2);
        var read = AIFunctionFactory.Create(async (string key) => { await meeting.ArriveAsync(); return "value of " + key; }, "read");
        var model = new ScriptedChatClient().Then(Calls(Call("c1", "read", new { key = "a" }), Call("c2", "read", new { key = "b" }))).Then(Text("done"));
        using var client = model.AsParallelFunctionInvoking(o => o.Declare("read", FunctionEffects.Reading("kv/{key}")));

        var response = await RunAsync(client, streaming, With(read));

        var toolMessage = ToolMessageSent(model, 1);
        var results = toolMessage.Contents.Cast<FunctionResultContent>().ToList();
        Assert.Equal(["c1", "c2"], results.Select(r => r.CallId));
        Assert.Equal(["value of a", "value of b"], results.Select(r => r.Result?.ToString()));
        Assert.Equal("done", response.Text);
        Assert.Single(response.Messages, m => m.Role == ChatRole.Tool);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task GetResponse_ConflictingWrites_RunInEmittedOrder(bool streaming)
    {
        var order = new ConcurrentQueue<string>();
        var write = AIFunctionFactory.Create((string key, string value) => { order.Enqueue(value); return "ok"; }, "write");
        var model = new ScriptedChatClient()
            .Then(Calls(Call("c1", "write", new { key = "x", value = "1" }), Call("c2", "write", new { key = "x", value = "2" }), Call("c3", "write", new { key = "x", value = "3" })))
            .Then(Text("done"));
        using var client = model.AsParallelFunctionInvoking(o => o.Declare("write", FunctionEffects.Writing("kv/{key}")));

        await RunAsync(client, streaming, With(write));

        Assert.Equal(["1", "2", "3"], order);
    }

    [Fact]
    public async Task GetResponse_NoToolCalls_ReturnsInnerResponseItself()
    {
        var answer = Text("hello");
        var model = new ScriptedChatClient().Then(answer);
        using var client = model.AsParallelFunctionInvoking();

        var response = await client.GetResponseAsync(Ask);

        Assert.Same(answer, response);
    }

    [Fact]
    public async Task GetResponse_SeveralIterations_ReturnsEveryMessageAndSumsUsage()
    {
        var echo = AIFunctionFactory.Create((string s) => s, "echo");
        var first = Calls(Call("c1", "echo", new { s = "x" }));
        first.Usage = new UsageDetails { InputTokenCount = 10, OutputTokenCount = 1 };
        var second = Calls(Call("c2", "echo", new { s = "y" }));
        second.Usage = new UsageDetails { InputTokenCount = 20, OutputTokenCount = 2 };
        var last = Text("done");
        last.Usage = new UsageDetails { InputTokenCount = 30, OutputTokenCount = 3 };
        var model = new ScriptedChatClient().Then(first).Then(second).Then(last);
        using var client = model.AsParallelFunctionInvoking();

        var response = await client.GetResponseAsync(Ask, With(echo));

        Assert.Equal([ChatRole.Assistant, ChatRole.Tool, ChatRole.Assistant, ChatRole.Tool, ChatRole.Assistant], response.Messages.Select(m => m.Role));
        Assert.Equal(60, response.Usage?.InputTokenCount);
        Assert.Equal(6, response.Usage?.OutputTokenCount);
        var reports = Assert.IsAssignableFrom<IReadOnlyList<BatchReport>>(response.AdditionalProperties?[ParallelFunctionInvokingChatClient.BatchReportsKey]);
        Assert.Equal(2, reports.Count);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task GetResponse_ServiceKeepsHistory_SendsOnlyTheToolMessage(bool streaming)
    {
        var echo = AIFunctionFactory.Create((string s) => s, "echo");
        var first = Calls(Call("c1", "echo", new { s = "x" }));
        first.ConversationId = "conv-1";
        var model = new ScriptedChatClient().Then(first).Then(Text("done"));
        using var client = model.AsParallelFunctionInvoking();

        await RunAsync(client, streaming, With(echo));

        var second = model.Requests[1];
        Assert.Equal("conv-1", second.Options?.ConversationId);
        var only = Assert.Single(second.Messages);
        Assert.Equal(ChatRole.Tool, only.Role);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task GetResponse_NoConversationId_SendsFullHistory(bool streaming)
    {
        var echo = AIFunctionFactory.Create((string s) => s, "echo");
        var model = new ScriptedChatClient().Then(Calls(Call("c1", "echo", new { s = "x" }))).Then(Text("done"));
        using var client = model.AsParallelFunctionInvoking();

        await RunAsync(client, streaming, With(echo));

        Assert.Equal([ChatRole.User, ChatRole.Assistant, ChatRole.Tool], model.Requests[1].Messages.Select(m => m.Role));
    }

    [Fact]
    public async Task GetResponse_MaximumIterationsReached_LastRequestHasNoFunctionTools()
    {
        var echo = AIFunctionFactory.Create((string s) => s, "echo");
        var model = new ScriptedChatClient()
            .Then(Calls(Call("c1", "echo", new { s = "x" })))
            .Then(Calls(Call("c2", "echo", new { s = "y" })))
            .Then(Text("gave up"));
        using var client = model.AsParallelFunctionInvoking();
        client.MaximumIterationsPerRequest = 2;

        var response = await client.GetResponseAsync(Ask, With(echo));

        Assert.Equal(3, model.Requests.Count);
        Assert.NotNull(model.Requests[1].Options?.Tools);
        Assert.Null(model.Requests[2].Options?.Tools);
        Assert.Equal("gave up", response.Text);
    }

    [Fact]
    public async Task GetResponse_CallsStillComingAfterLimit_ReturnedUnansweredWithoutRunning()
    {
        int runs = 0;
        var echo = AIFunctionFactory.Create((string s) => { runs++; return s; }, "echo");
        var model = new ScriptedChatClient().Then(Calls(Call("c1", "echo", new { s = "x" }))).Then(Calls(Call("c2", "echo", new { s = "y" })));
        using var client = model.AsParallelFunctionInvoking();
        client.MaximumIterationsPerRequest = 1;

        var response = await client.GetResponseAsync(Ask, With(echo));

        Assert.Equal(1, runs);
        Assert.Equal(2, model.Requests.Count);
        Assert.Equal(["c1"], Results(response).Select(r => r.CallId));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task GetResponse_InformationalOnlyCall_IsNotRun(bool streaming)
    {
        int runs = 0;
        var echo = AIFunctionFactory.Create((string s) => { runs++; return s; }, "echo");
        var informational = Call("c1", "echo", new { s = "x" });
        informational.InformationalOnly = true;
        var model = new ScriptedChatClient().Then(Calls(informational));
        using var client = model.AsParallelFunctionInvoking();

        await RunAsync(client, streaming, With(echo));

        Assert.Equal(0, runs);
        Assert.Single(model.Requests);
    }

    [Fact]
    public async Task GetResponse_CallAnsweredByTheService_IsNotRun()
    {
        int runs = 0;
        var echo = AIFunctionFactory.Create((string s) => { runs++; return s; }, "echo");
        var response = new ChatResponse(new ChatMessage(ChatRole.Assistant, [Call("c1", "echo", new { s = "x" }), new FunctionResultContent("c1", "server did it")]));
        var model = new ScriptedChatClient().Then(response);
        using var client = model.AsParallelFunctionInvoking();

        await client.GetResponseAsync(Ask, With(echo));

        Assert.Equal(0, runs);
        Assert.Single(model.Requests);
    }

    [Fact]
    public async Task GetResponse_AdditionalTools_AreCallableButNotSent()
    {
        var hidden = AIFunctionFactory.Create(() => "secret", "hidden");
        var model = new ScriptedChatClient().Then(Calls(Call("c1", "hidden"))).Then(Text("done"));
        using var client = model.AsParallelFunctionInvoking();
        client.AdditionalTools = [hidden];

        var response = await client.GetResponseAsync(Ask, new ChatOptions());

        Assert.Equal("secret", Results(response).Single().Result?.ToString());
        Assert.Null(model.Requests[0].Options?.Tools);
    }

    [Fact]
    public async Task GetResponse_RequiredToolMode_AppliesToFirstRequestOnly()
    {
        var echo = AIFunctionFactory.Create((string s) => s, "echo");
        var model = new ScriptedChatClient().Then(Calls(Call("c1", "echo", new { s = "x" }))).Then(Text("done"));
        using var client = model.AsParallelFunctionInvoking();
        var options = With(echo);
        options.ToolMode = ChatToolMode.RequireAny;

        await client.GetResponseAsync(Ask, options);

        Assert.IsType<RequiredChatToolMode>(model.Requests[0].Options?.ToolMode);
        Assert.Null(model.Requests[1].Options?.ToolMode);
    }

    [Fact]
    public async Task GetResponse_OnBatchCompleted_GetsEveryReport()
    {
        var reports = new List<BatchReport>();
        var echo = AIFunctionFactory.Create((string s) => s, "echo");
        var model = new ScriptedChatClient().Then(Calls(Call("c1", "echo", new { s = "x" }), Call("c2", "echo", new { s = "y" }))).Then(Text("done"));
        using var client = model.AsParallelFunctionInvoking(o => o.OnBatchCompleted = reports.Add);

        await client.GetResponseAsync(Ask, With(echo));

        var report = Assert.Single(reports);
        Assert.Equal(["c1", "c2"], report.Calls.Select(c => c.CallId));
    }

    [Fact]
    public async Task GetResponse_FunctionGetsServices()
    {
        IServiceProvider? seen = null;
        var probe = AIFunctionFactory.Create((AIFunctionArguments args) => { seen = args.Services; return "ok"; }, "probe");
        var services = new ServiceCollection().BuildServiceProvider();
        var model = new ScriptedChatClient().Then(Calls(Call("c1", "probe"))).Then(Text("done"));
        using var client = model.AsParallelFunctionInvoking(functionInvocationServices: services);

        await client.GetResponseAsync(Ask, With(probe));

        Assert.Same(services, seen);
    }
}
