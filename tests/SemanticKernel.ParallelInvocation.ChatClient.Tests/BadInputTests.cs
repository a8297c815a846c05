using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;
using static SemanticKernel.ParallelInvocation.ChatClient.Tests.Harness;
using static SemanticKernel.ParallelInvocation.ChatClient.Tests.Turn;

namespace SemanticKernel.ParallelInvocation.ChatClient.Tests;

/// <summary>What the model or the service can get wrong: every call id still gets exactly one result, or the request fails cleanly.</summary>
public sealed class BadInputTests
{
    private static readonly AIFunction Echo = AIFunctionFactory.Create((string s) => s, "echo");

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task GetResponse_UnknownTool_GetsErrorResultAndOthersRun(bool streaming)
    {
        var model = new ScriptedChatClient().Then(Calls(Call("c1", "nope"), Call("c2", "echo", new { s = "x" }))).Then(Text("done"));
        using var client = model.AsParallelFunctionInvoking();

        await RunAsync(client, streaming, With(Echo));

        var results = ToolMessageSent(model, 1).Contents.Cast<FunctionResultContent>().ToList();
        Assert.Equal(["c1", "c2"], results.Select(r => r.CallId));
        Assert.Contains("no function named 'nope'", results[0].Result?.ToString());
        Assert.NotNull(results[0].Exception);
        Assert.Equal("x", results[1].Result?.ToString());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task GetResponse_UnknownToolWithTerminateOnUnknownCalls_ReturnsCallsUnrun(bool streaming)
    {
        int runs = 0;
        var counted = AIFunctionFactory.Create(() => ++runs, "counted");
        var model = new ScriptedChatClient().Then(Calls(Call("c1", "nope"), Call("c2", "counted")));
        using var client = model.AsParallelFunctionInvoking();
        client.TerminateOnUnknownCalls = true;

        var response = await RunAsync(client, streaming, With(counted));

        Assert.Equal(0, runs);
        Assert.Single(model.Requests);
        Assert.Equal(2, response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>().Count());
        Assert.Empty(Results(response));
    }

    [Fact]
    public async Task GetResponse_DeclarationOnlyTool_ReturnsCallsToCaller()
    {
        var declaration = AIFunctionFactory.CreateDeclaration("client_side", "runs in the caller", AIFunctionFactory.Create((string s) => s).JsonSchema);
        var model = new ScriptedChatClient().Then(Calls(Call("c1", "client_side", new { s = "x" })));
        using var client = model.AsParallelFunctionInvoking();

        var response = await client.GetResponseAsync(Ask, With(declaration));

        Assert.Single(model.Requests);
        Assert.Empty(Results(response));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task GetResponse_DuplicateCallIds_BothRunAndAreAnsweredInEmittedOrder(bool streaming)
    {
        // As FunctionInvokingChatClient (see the Core tests' SequentialLoopDefaultsTests for the side-by-side control).
        var model = new ScriptedChatClient().Then(Calls(Call("same", "echo", new { s = "1" }), Call("same", "echo", new { s = "2" }))).Then(Text("done"));
        using var client = model.AsParallelFunctionInvoking();

        await RunAsync(client, streaming, With(Echo));

        var results = ToolMessageSent(model, 1).Contents.Cast<FunctionResultContent>().ToList();
        Assert.Equal(["same", "same"], results.Select(r => r.CallId));
        Assert.Equal(["1", "2"], results.Select(r => r.Result?.ToString()));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task GetResponse_EmptyCallIds_RunAndAreAnsweredInEmittedOrder(bool streaming)
    {
        int runs = 0;
        var counted = AIFunctionFactory.Create(() => ++runs, "counted");
        var model = new ScriptedChatClient().Then(Calls(Call("", "counted"), Call("c2", "counted"), Call("", "counted"))).Then(Text("done"));
        using var client = model.AsParallelFunctionInvoking();

        await RunAsync(client, streaming, With(counted));

        Assert.Equal(3, runs);
        var results = ToolMessageSent(model, 1).Contents.Cast<FunctionResultContent>().ToList();
        Assert.Equal(["", "c2", ""], results.Select(r => r.CallId));
        Assert.All(results, r => Assert.Null(r.Exception));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task GetResponse_MalformedArguments_RejectedWithErrorResult(bool streaming)
    {
        int runs = 0;
        var counted = AIFunctionFactory.Create(() => ++runs, "counted");
        var broken = new FunctionCallContent("c1", "counted") { Exception = new FormatException("bad JSON at 3") };
        var model = new ScriptedChatClient().Then(Calls(broken)).Then(Text("done"));
        using var client = model.AsParallelFunctionInvoking(o => o.IncludeDetailedErrors = true);

        await RunAsync(client, streaming, With(counted));

        Assert.Equal(0, runs);
        var result = Assert.Single(ToolMessageSent(model, 1).Contents.Cast<FunctionResultContent>());
        Assert.Contains("could not be parsed", result.Result?.ToString());
        Assert.Contains("bad JSON at 3", result.Result?.ToString());
        Assert.IsType<FormatException>(result.Exception);
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    public async Task GetResponse_FunctionThrows_ErrorResultCarriesExceptionAndDetailOnlyWhenAsked(bool streaming, bool detailed)
    {
        var failing = AIFunctionFactory.Create(string () => throw new InvalidOperationException("disk on fire"), "failing");
        var model = new ScriptedChatClient().Then(Calls(Call("c1", "failing"))).Then(Text("done"));
        using var client = model.AsParallelFunctionInvoking(o => o.IncludeDetailedErrors = detailed);

        await RunAsync(client, streaming, With(failing));

        var result = Assert.Single(ToolMessageSent(model, 1).Contents.Cast<FunctionResultContent>());
        Assert.IsType<InvalidOperationException>(result.Exception);
        Assert.StartsWith("Error:", result.Result?.ToString());
        Assert.Equal(detailed, result.Result?.ToString()?.Contains("disk on fire", StringComparison.Ordinal));
    }

    [Fact]
    public async Task GetResponse_ErrorsInMoreConsecutiveIterationsThanAllowed_ThrowsTheFailure()
    {
        var failing = AIFunctionFactory.Create(string () => throw new InvalidOperationException("still broken"), "failing");
        var model = new ScriptedChatClient().Then(Calls(Call("c1", "failing"))).Then(Calls(Call("c2", "failing"))).Then(Text("never"));
        using var client = model.AsParallelFunctionInvoking();
        client.MaximumConsecutiveErrorsPerRequest = 1;

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => client.GetResponseAsync(Ask, With(failing)));

        Assert.Equal("still broken", ex.Message);
        Assert.Equal(2, model.Requests.Count);
    }

    [Fact]
    public async Task GetResponse_ErrorThenSuccess_ResetsTheConsecutiveCount()
    {
        int calls = 0;
        var flaky = AIFunctionFactory.Create(string () => ++calls % 2 == 1 ? throw new InvalidOperationException("odd") : "even", "flaky");
        var model = new ScriptedChatClient()
            .Then(Calls(Call("c1", "flaky"))).Then(Calls(Call("c2", "flaky"))).Then(Calls(Call("c3", "flaky"))).Then(Text("done"));
        using var client = model.AsParallelFunctionInvoking();
        client.MaximumConsecutiveErrorsPerRequest = 1;

        var response = await client.GetResponseAsync(Ask, With(flaky));

        Assert.Equal("done", response.Text);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task GetResponse_ApprovalDenied_RejectedResultTellsTheModel(bool streaming)
    {
        int runs = 0;
        var delete = AIFunctionFactory.Create(() => ++runs, "delete");
        var model = new ScriptedChatClient().Then(Calls(Call("c1", "delete"), Call("c2", "echo", new { s = "x" }))).Then(Text("done"));
        using var client = model.AsParallelFunctionInvoking(o =>
        {
            o.Declare("delete", FunctionEffects.Writing("db").RequiringApproval());
            o.ApprovalHandler = (request, _) => ValueTask.FromResult(request.FunctionName != "delete");
        });

        await RunAsync(client, streaming, With(delete, Echo));

        Assert.Equal(0, runs);
        var results = ToolMessageSent(model, 1).Contents.Cast<FunctionResultContent>().ToList();
        Assert.Contains("not approved", results[0].Result?.ToString());
        Assert.Equal("x", results[1].Result?.ToString());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task GetResponse_ServiceFailsMidLoop_ExceptionPropagatesAndCallerHistoryIsUntouched(bool streaming)
    {
        var model = new ScriptedChatClient()
            .Then(Calls(Call("c1", "echo", new { s = "x" })))
            .Then(_ => throw new HttpRequestExceptionLike("500 from the service"));
        using var client = model.AsParallelFunctionInvoking();
        var history = new List<ChatMessage>(Ask);

        var ex = await Assert.ThrowsAsync<HttpRequestExceptionLike>(async () =>
        {
            if (streaming)
            {
                await foreach (var _ in client.GetStreamingResponseAsync(history, With(Echo)))
                {
                }
            }
            else
            {
                await client.GetResponseAsync(history, With(Echo));
            }
        });

        Assert.Equal("500 from the service", ex.Message);
        Assert.Single(history);
        var sentBeforeFailure = model.Requests[1].Messages;
        Assert.Equal(ChatRole.Tool, sentBeforeFailure[^1].Role);
    }

    [Fact]
    public async Task GetResponse_InnerReturnsNull_ThrowsInvalidOperation()
    {
        var model = new ScriptedChatClient().Then(_ => null!);
        using var client = model.AsParallelFunctionInvoking();

        await Assert.ThrowsAsync<InvalidOperationException>(() => client.GetResponseAsync(Ask));
    }

    [Fact]
    public void MaximumIterationsPerRequest_Zero_Throws()
    {
        using var client = new ScriptedChatClient().AsParallelFunctionInvoking();

        Assert.Throws<ArgumentOutOfRangeException>(() => client.MaximumIterationsPerRequest = 0);
        Assert.Throws<ArgumentOutOfRangeException>(() => client.MaximumConsecutiveErrorsPerRequest = -1);
    }

    private sealed class HttpRequestExceptionLike(string message) : Exception(message);
}
