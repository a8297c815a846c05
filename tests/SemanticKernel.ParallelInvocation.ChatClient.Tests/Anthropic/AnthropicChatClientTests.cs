using System;
using System.Collections.Concurrent;
using System.Linq;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using global::Anthropic;
using Microsoft.Extensions.AI;
using SemanticKernel.ParallelInvocation.Tests.Contract;

namespace SemanticKernel.ParallelInvocation.ChatClient.Tests.Anthropic;

/// <summary>
/// The middleware over the official Anthropic SDK's <see cref="IChatClient"/>, against a local Messages API emulator speaking the real
/// wire format: several tool_use blocks in one assistant message, answered by one user message with one tool_result per id.
/// </summary>
public sealed class AnthropicChatClientTests : IAsyncLifetime
{
    private readonly MessagesApiEmulator _api = new();
    private readonly ConcurrentDictionary<string, string> _notes = new(StringComparer.Ordinal);
    private Rendezvous _readers = new(2);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _api.DisposeAsync();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task GetResponse_SeveralToolUseBlocks_AnsweredByOneUserMessageWithOneResultPerId(bool streaming)
    {
        _notes["a"] = "alpha";
        _notes["b"] = "beta";
        _api.Then(Reply.ToolUse(
                new TextBlock("Let me look."),
                new ToolUseBlock("toolu_01", "read_note", """{"name":"a"}"""),
                new ToolUseBlock("toolu_02", "read_note", """{"name":"b"}"""),
                new ToolUseBlock("toolu_03", "write_note", """{"name":"c","text":"gamma"}"""),
                new ToolUseBlock("toolu_04", "explode", """{}""")))
            .Then(body =>
            {
                AnthropicWire.ExpectToolResults(body, ["toolu_01", "toolu_02", "toolu_03", "toolu_04"], errors: [3]);
                return Reply.Text("All done.");
            });
        using var client = CreateClient();

        var response = await Harness.RunAsync(client, streaming, Tools());

        Assert.Empty(_api.Failures);
        Assert.Equal(2, _api.Requests.Count);
        Assert.Contains("All done.", response.Text, StringComparison.Ordinal);
        Assert.Equal("gamma", _notes["c"]);
        var resultMessage = _api.Requests[1]["messages"]!.AsArray()[^1]!;
        Assert.Equal(["alpha", "beta"], resultMessage["content"]!.AsArray().Take(2).Select(AnthropicWire.ResultText));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task GetResponse_ToolsPresent_ParallelToolUseIsNotDisabled(bool streaming)
    {
        _api.Then(Reply.Text("Hello."));
        using var client = CreateClient();

        await Harness.RunAsync(client, streaming, Tools());

        Assert.Empty(_api.Failures);
        var disabled = _api.Requests[0]["tool_choice"]?["disable_parallel_tool_use"];
        Assert.True(disabled is null || !disabled.GetValue<bool>(), $"tool_choice was {_api.Requests[0]["tool_choice"]}");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task GetResponse_UnknownToolAnsweredAsError_DuplicateIdsBothRun(bool streaming)
    {
        _notes["a"] = "alpha";
        _api.Then(Reply.ToolUse(
                new ToolUseBlock("toolu_01", "read_note", """{"name":"a"}"""),
                new ToolUseBlock("toolu_02", "no_such_tool", """{}"""),
                new ToolUseBlock("toolu_03", "read_note", """{"name":"a"}""")))
            .Then(Reply.ToolUse(new ToolUseBlock("toolu_03", "read_note", """{"name":"a"}"""), new ToolUseBlock("toolu_03", "read_note", """{"name":"a"}""")))
            .Then(body =>
            {
                AnthropicWire.ExpectToolResults(body, ["toolu_03", "toolu_03"], errors: []); // as FunctionInvokingChatClient: both calls run
                return Reply.Text("ok");
            });
        _readers = new Rendezvous(1);
        using var client = CreateClient();

        await Harness.RunAsync(client, streaming, Tools());

        Assert.Empty(_api.Failures);
        var first = _api.Requests[1]["messages"]!.AsArray()[^1]!["content"]!.AsArray();
        Assert.Equal([false, true, false], first.Select(r => r!["is_error"]?.GetValue<bool>() == true));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task GetResponse_ServerErrorMidLoop_ThrowsAndLeavesCallerHistoryAlone(bool streaming)
    {
        _notes["a"] = "alpha";
        _api.Then(Reply.ToolUse(new ToolUseBlock("toolu_01", "read_note", """{"name":"a"}"""))).Then(Reply.ServerError());
        _readers = new Rendezvous(1);
        using var client = CreateClient();

        var ex = await Assert.ThrowsAnyAsync<Exception>(() => Harness.RunAsync(client, streaming, Tools()));

        Assert.IsNotType<Xunit.Sdk.XunitException>(ex);
        Assert.Equal(2, _api.Requests.Count);
        Assert.Single(Harness.Ask);
    }

    private IChatClient CreateClient()
    {
        var anthropic = new AnthropicClient { ApiKey = "test-key", BaseUrl = _api.BaseUrl, MaxRetries = 0 };
        return anthropic.AsIChatClient("claude-test", 1024).AsParallelFunctionInvoking(o => o
            .Declare("read_note", FunctionEffects.Reading("notes/{name}"))
            .Declare("write_note", FunctionEffects.Writing("notes/{name}"))
            .Declare("explode", FunctionEffects.Pure));
    }

    private ChatOptions Tools() => Harness.With(
        AIFunctionFactory.Create(
            async (string name) =>
            {
                await _readers.ArriveAsync();
                return _notes.TryGetValue(name, out var text) ? text : "(none)";
            },
            "read_note",
            "Reads a note."),
        AIFunctionFactory.Create((string name, string text) => { _notes[name] = text; return "saved"; }, "write_note", "Writes a note."),
        AIFunctionFactory.Create(string () => throw new InvalidOperationException("boom"), "explode", "Always fails."));
}
