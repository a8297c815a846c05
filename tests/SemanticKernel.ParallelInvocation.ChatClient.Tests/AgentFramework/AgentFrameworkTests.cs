using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using global::Anthropic;
using Microsoft.Agents.AI;
using Microsoft.Extensions.AI;
using SemanticKernel.ParallelInvocation.ChatClient.Tests.Anthropic;
using SemanticKernel.ParallelInvocation.Tests.Contract;

namespace SemanticKernel.ParallelInvocation.ChatClient.Tests.AgentFramework;

/// <summary>
/// Microsoft Agent Framework's <see cref="ChatClientAgent"/> on a client with ParallelSK, over the official Anthropic SDK against the local
/// Messages API emulator. Where the agent should behave as on its default pipeline (its own <see cref="FunctionInvokingChatClient"/>), the
/// same script also runs there, as the control.
/// </summary>
public sealed class AgentFrameworkTests : IAsyncLifetime
{
    private readonly MessagesApiEmulator _api = new();
    private readonly ConcurrentDictionary<string, string> _notes = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<BatchReport> _reports = new();
    private Rendezvous? _readers;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _api.DisposeAsync();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Agent_OnParallelClient_HasOneToolLoopThatRunsTheBatchPlanned(bool streaming)
    {
        _notes["a"] = "alpha";
        _notes["b"] = "beta";
        _readers = new Rendezvous(2); // the two reads must be running at the same time
        _api.Then(Reply.ToolUse(
                new ToolUseBlock("toolu_01", "read_note", """{"name":"a"}"""),
                new ToolUseBlock("toolu_02", "read_note", """{"name":"b"}"""),
                new ToolUseBlock("toolu_03", "write_note", """{"name":"a","text":"changed"}""")))
            .Then(body =>
            {
                AnthropicWire.ExpectToolResults(body, ["toolu_01", "toolu_02", "toolu_03"], errors: []);
                return Reply.Text("Read both, then changed a.");
            });
        using var client = ParallelClient();
        var agent = Agent(client, ReadNote(), WriteNote());

        var response = await RunAsync(agent, streaming);

        Assert.Empty(_api.Failures);
        Assert.Same(client, agent.GetService<FunctionInvokingChatClient>()); // no FunctionInvokingChatClient of the agent's own above ours
        Assert.Equal(2, _api.Requests.Count);
        Assert.Equal(["toolu_01", "toolu_02", "toolu_03"], AnthropicWire.AllToolResultIds(_api.Requests[1])); // each id answered once
        Assert.Equal("alpha", AnthropicWire.ResultFor(_api.Requests[1], "toolu_01")); // the read ran before the write it conflicts with
        Assert.Equal("changed", _notes["a"]);
        Assert.Contains("changed a", response.Text, StringComparison.Ordinal);
        var report = Assert.Single(_reports);
        Assert.Equal([0], report.Calls[2].Predecessors);
        Assert.Empty(report.Calls[1].Predecessors);
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    public async Task AgentFunctionMiddleware_SeesEveryCallAndCanChangeArgumentsAndResults(bool streaming, bool control)
    {
        _notes["a"] = "alpha";
        _notes["b"] = "beta";
        _api.Then(Reply.ToolUse(
                new ToolUseBlock("toolu_01", "read_note", """{"name":"a"}"""),
                new ToolUseBlock("toolu_02", "read_note", """{"name":"b"}"""),
                new ToolUseBlock("toolu_03", "write_note", """{"name":"c","text":"from the model"}""")))
            .Then(Reply.Text("ok"));
        var seen = new ConcurrentQueue<(string CallId, string Name, int Index, int Count, int Iteration, bool Streaming, bool HasOptions)>();
        using var client = control ? Model() : ParallelClient();
        var agent = Agent(client, ReadNote(), WriteNote()).AsBuilder().Use(async (innerAgent, context, next, cancellationToken) =>
        {
            seen.Enqueue((context.CallContent.CallId, context.Function.Name, context.FunctionCallIndex, context.FunctionCount, context.Iteration, context.IsStreaming, context.Options?.Tools?.Count > 0));
            if (context.Function.Name == "write_note")
            {
                context.Arguments["text"] = "from the middleware";
            }

            object? result = await next(context, cancellationToken);
            return context.CallContent.CallId == "toolu_02" ? "replaced" : result;
        }).Build();

        await RunAsync(agent, streaming);

        Assert.Empty(_api.Failures);
        Assert.Equal(
            [("toolu_01", "read_note", 0, 3, 0, streaming, true), ("toolu_02", "read_note", 1, 3, 0, streaming, true), ("toolu_03", "write_note", 2, 3, 0, streaming, true)],
            seen.OrderBy(s => s.Index));
        Assert.Equal("from the middleware", _notes["c"]);
        Assert.Equal("alpha", AnthropicWire.ResultFor(_api.Requests[1], "toolu_01"));
        Assert.Equal("replaced", AnthropicWire.ResultFor(_api.Requests[1], "toolu_02"));
        Assert.Equal(control ? 0 : 1, _reports.Count);
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    public async Task AgentFunctionMiddleware_Terminate_EndsTheLoopAfterTheBatchWithEveryCallAnswered(bool streaming, bool control)
    {
        _api.Then(Reply.ToolUse(
            new ToolUseBlock("toolu_01", "write_note", """{"name":"a","text":"1"}"""),
            new ToolUseBlock("toolu_02", "write_note", """{"name":"b","text":"2"}"""),
            new ToolUseBlock("toolu_03", "write_note", """{"name":"c","text":"3"}""")));
        // The control is Agent Framework's own FunctionInvokingChatClient with concurrent invocation: in its serial mode the calls after
        // the terminating one would stay unanswered, which ParallelSK never does.
        using var client = control ? Model() : ParallelClient();
        var agent = Agent(client, control, ReadNote(), WriteNote()).AsBuilder().Use(async (innerAgent, context, next, cancellationToken) =>
        {
            context.Terminate = context.CallContent.CallId == "toolu_02";
            return await next(context, cancellationToken);
        }).Build();

        var response = await RunAsync(agent, streaming);

        Assert.Empty(_api.Failures);
        Assert.Single(_api.Requests);
        var results = response.Messages.SelectMany(m => m.Contents).OfType<FunctionResultContent>().Select(r => r.CallId);
        Assert.Equal(["toolu_01", "toolu_02", "toolu_03"], results.Order(StringComparer.Ordinal));
        Assert.Equal(["1", "2", "3"], new[] { "a", "b", "c" }.Select(n => _notes[n]));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Agent_ToolsFromAgentOptionsAndClientAdditionalTools_AreBothCalled(bool streaming)
    {
        _notes["a"] = "alpha";
        var secret = AIFunctionFactory.Create(() => "hidden value", "secret", "Known to the client only.");
        _api.Then(body =>
            {
                var sent = body["tools"]!.AsArray().Select(t => t!["name"]!.GetValue<string>()).ToList();
                if (!sent.SequenceEqual(["read_note"]))
                {
                    throw new InvalidOperationException($"expected only the agent's tool to be sent, got [{string.Join(", ", sent)}]");
                }

                return Reply.ToolUse(new ToolUseBlock("toolu_01", "read_note", """{"name":"a"}"""), new ToolUseBlock("toolu_02", "secret", "{}"));
            })
            .Then(body =>
            {
                AnthropicWire.ExpectToolResults(body, ["toolu_01", "toolu_02"], errors: []);
                return Reply.Text("ok");
            });
        using var client = ParallelClient();
        client.AdditionalTools = [secret];
        var agent = Agent(client, ReadNote());

        await RunAsync(agent, streaming);

        Assert.Empty(_api.Failures);
        Assert.Equal("alpha", AnthropicWire.ResultFor(_api.Requests[1], "toolu_01"));
        Assert.Equal("hidden value", AnthropicWire.ResultFor(_api.Requests[1], "toolu_02"));
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    public async Task Agent_ApprovalRequiredFunction_RoundTripThroughTheAgentRunsTheTurnAsOneBatch(bool streaming, bool control)
    {
        _notes["a"] = "alpha";
        _api.Then(Reply.ToolUse(
                new ToolUseBlock("toolu_01", "read_note", """{"name":"a"}"""),
                new ToolUseBlock("toolu_02", "write_note", """{"name":"b","text":"approved"}""")))
            .Then(Reply.Text("done"));
        using var client = control ? Model() : ParallelClient();
#pragma warning disable MEAI001 // ApprovalRequiredAIFunction is experimental.
        var agent = Agent(client, ReadNote(), new ApprovalRequiredAIFunction(WriteNote()));
#pragma warning restore MEAI001
        var session = await agent.CreateSessionAsync();

        var first = await RunAsync(agent, streaming, session: session);
        var request = Assert.Single(first.Messages.SelectMany(m => m.Contents).OfType<ToolApprovalRequestContent>());
        Assert.Equal("toolu_02", ((FunctionCallContent)request.ToolCall).CallId);
        Assert.False(_notes.ContainsKey("b"));

        var second = streaming
            ? await agent.RunStreamingAsync(new ChatMessage(ChatRole.User, [request.CreateResponse(approved: true)]), session).ToAgentResponseAsync()
            : await agent.RunAsync(new ChatMessage(ChatRole.User, [request.CreateResponse(approved: true)]), session);

        Assert.Empty(_api.Failures);
        Assert.Equal(2, _api.Requests.Count);
        Assert.Equal("done", second.Text);
        Assert.Equal("approved", _notes["b"]);
        Assert.Equal("alpha", AnthropicWire.ResultFor(_api.Requests[1], "toolu_01"));

        // Agent Framework's approval bypassing removes the read's request and answers it after the caller's answer. One tool message
        // answers both calls either way; ParallelSK restores the emitted order from its request ids, the default pipeline does not.
        var results = _api.Requests[1]["messages"]!.AsArray()[^1]!["content"]!.AsArray().Select(b => b!["tool_use_id"]!.GetValue<string>());
        Assert.Equal(control ? ["toolu_02", "toolu_01"] : ["toolu_01", "toolu_02"], results);
        Assert.Equal(["toolu_01", "toolu_02"], AnthropicWire.AllToolResultIds(_api.Requests[1]).Order(StringComparer.Ordinal));
        if (!control)
        {
            AnthropicWire.ExpectToolResults(_api.Requests[1], ["toolu_01", "toolu_02"], errors: []);
        }
    }

    [Fact]
    public async Task Agent_ApprovalDeclaredOnlyByParallelSK_IsAutoApprovedByAgentFrameworksBypassing()
    {
        // Why README asks for ApprovalRequiredAIFunction with Agent Framework: its bypassing decides from the tools alone.
        _api.Then(Reply.ToolUse(new ToolUseBlock("toolu_01", "write_note", """{"name":"b","text":"unapproved"}""")))
            .Then(Reply.Text("done"));
        using var client = Model().AsParallelFunctionInvoking(o => o.Declare("write_note", FunctionEffects.Writing("notes/{name}").RequiringApproval()));
        var agent = Agent(client, WriteNote());
        var session = await agent.CreateSessionAsync();

        var first = await agent.RunAsync("go", session);
        Assert.Empty(first.Messages.SelectMany(m => m.Contents).OfType<ToolApprovalRequestContent>());
        Assert.False(_notes.ContainsKey("b"));
        await agent.RunAsync("go on", session);

        Assert.Empty(_api.Failures);
        Assert.Equal("unapproved", _notes["b"]);
    }

    private static async Task<AgentResponse> RunAsync(AIAgent agent, bool streaming, string text = "go", AgentSession? session = null) =>
        streaming ? await agent.RunStreamingAsync(text, session).ToAgentResponseAsync() : await agent.RunAsync(text, session);

    private static ChatClientAgent Agent(IChatClient client, params AITool[] tools) => Agent(client, concurrent: false, tools);

    private static ChatClientAgent Agent(IChatClient client, bool concurrent, params AITool[] tools) =>
        new(client, new ChatClientAgentOptions { ChatOptions = new ChatOptions { Tools = [.. tools] }, AllowConcurrentInvocation = concurrent });

    private IChatClient Model() =>
        new AnthropicClient { ApiKey = "test-key", BaseUrl = _api.BaseUrl, MaxRetries = 0 }.AsIChatClient("claude-test", 1024);

    private ParallelFunctionInvokingChatClient ParallelClient() => Model().AsParallelFunctionInvoking(o =>
    {
        o.Declare("read_note", FunctionEffects.Reading("notes/{name}"));
        o.Declare("write_note", FunctionEffects.Writing("notes/{name}"));
        o.Declare("secret", FunctionEffects.Pure);
        o.OnBatchCompleted = _reports.Enqueue;
    });

    private AIFunction ReadNote() => AIFunctionFactory.Create(
        async (string name) =>
        {
            if (_readers is { } readers)
            {
                await readers.ArriveAsync();
            }

            return _notes.TryGetValue(name, out var text) ? text : "(none)";
        },
        "read_note",
        "Reads a note.");

    private AIFunction WriteNote() => AIFunctionFactory.Create((string name, string text) => { _notes[name] = text; return "saved"; }, "write_note", "Writes a note.");
}
