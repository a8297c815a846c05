using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SemanticKernel.ParallelInvocation.Tests;
using static SemanticKernel.ParallelInvocation.ChatClient.Tests.Harness;
using static SemanticKernel.ParallelInvocation.ChatClient.Tests.Turn;

namespace SemanticKernel.ParallelInvocation.ChatClient.Tests;

/// <summary>
/// <see cref="ParallelFunctionInvokingChatClient"/> is a <see cref="FunctionInvokingChatClient"/>: what code written against the base class
/// sees (GetService, <see cref="FunctionInvokingChatClient.CurrentContext"/>, <see cref="FunctionInvokingChatClient.FunctionInvoker"/>,
/// inherited settings). Where it behaves as the base class, each test also runs Microsoft's client (concurrent mode) as the control.
/// </summary>
public sealed class FunctionInvokingChatClientCompatibilityTests
{
    [Fact]
    public void GetService_FunctionInvokingChatClient_FindsTheParallelClientThroughOuterLayers()
    {
        using var pipeline = new ScriptedChatClient().AsBuilder().UseLogging(NullLoggerFactory.Instance).UseOpenTelemetry().UseParallelFunctionInvocation().Build();

        var found = pipeline.GetService<FunctionInvokingChatClient>();

        Assert.IsType<ParallelFunctionInvokingChatClient>(found);
        Assert.Same(found, pipeline.GetService<ParallelFunctionInvokingChatClient>());
    }

    [Fact]
    public void Constructor_InnerFunctionInvokingChatClient_WarnsThatItsLoopRunsTheCallsFirst()
    {
        var logs = new CapturingLoggerProvider();
        using var factory = LoggerFactory.Create(b => b.AddProvider(logs));

        using var nested = new ScriptedChatClient().AsBuilder().UseParallelFunctionInvocation(factory).UseFunctionInvocation().Build();
        using var alone = new ScriptedChatClient().AsBuilder().UseParallelFunctionInvocation(factory).Build();

        var warning = Assert.Single(logs.Messages, m => m.Level == LogLevel.Warning);
        Assert.Contains("contains a FunctionInvokingChatClient", warning.Text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    public async Task CurrentContext_DuringEachCall_IsThatCallsContextAsTheBaseClassBuildsIt(bool streaming, bool control)
    {
        var seen = new ConcurrentQueue<(string CallId, string Function, int Index, int Count, int Iteration, bool Streaming, bool ArgumentsAreTheCalls, bool MessagesHoldTheCall, bool HasOptions)>();
        var contexts = new ConcurrentQueue<FunctionInvocationContext>();
        var services = new EmptyServices();
        var tool = AIFunctionFactory.Create(
            (string key, AIFunctionArguments args) =>
            {
                var context = FunctionInvokingChatClient.CurrentContext!;
                contexts.Enqueue(context);
                seen.Enqueue((
                    context.CallContent.CallId,
                    context.Function.Name,
                    context.FunctionCallIndex,
                    context.FunctionCount,
                    context.Iteration,
                    context.IsStreaming,
                    ReferenceEquals(args.Services, services) && (string?)context.Arguments["key"] == key,
                    context.Messages.Any(m => m.Contents.Contains(context.CallContent)),
                    context.Options?.Tools?.Count == 1));
                return key;
            },
            "look");
        var model = new ScriptedChatClient()
            .Then(Calls(Call("c1", "look", new { key = "x" }), Call("c2", "look", new { key = "y" })))
            .Then(Calls(Call("c3", "look", new { key = "z" })))
            .Then(Text("done"));
        using IChatClient client = control
            ? new FunctionInvokingChatClient(model, functionInvocationServices: services) { AllowConcurrentInvocation = true }
            : model.AsParallelFunctionInvoking(o => o.Declare("look", FunctionEffects.ReadOnly), functionInvocationServices: services);

        var response = await RunAsync(client, streaming, With(tool));

        Assert.Equal("done", response.Text);
        Assert.Null(FunctionInvokingChatClient.CurrentContext);
        Assert.Equal(3, contexts.Distinct().Count());
        Assert.Equal(
            [("c1", "look", 0, 2, 0, streaming, true, true, true), ("c2", "look", 1, 2, 0, streaming, true, true, true), ("c3", "look", 0, 1, 1, streaming, true, true, true)],
            seen.OrderBy(s => s.CallId, StringComparer.Ordinal));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task FunctionInvoker_Set_RunsEveryCallInsteadOfTheFunction(bool control)
    {
        var ran = new ConcurrentQueue<string>();
        var tool = AIFunctionFactory.Create(() => "real", "f");
        var model = new ScriptedChatClient().Then(Calls(Call("c1", "f"), Call("c2", "f"))).Then(Text("done"));
        using FunctionInvokingChatClient client = control
            ? new FunctionInvokingChatClient(model) { AllowConcurrentInvocation = true }
            : model.AsParallelFunctionInvoking(o => o.Declare("f", FunctionEffects.Pure));
        client.FunctionInvoker = (context, _) =>
        {
            ran.Enqueue(context.CallContent.CallId);
            return new ValueTask<object?>("invoked " + context.CallContent.CallId);
        };

        await client.GetResponseAsync(Ask, With(tool));

        Assert.Equal(["c1", "c2"], ran.Order(StringComparer.Ordinal));
        Assert.Equal(["invoked c1", "invoked c2"], ToolMessageSent(model, 1).Contents.OfType<FunctionResultContent>().Select(r => r.Result?.ToString()));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Terminate_SetByAFunction_EndsTheLoopAfterTheBatchWithEveryCallAnswered(bool control)
    {
        var tool = AIFunctionFactory.Create(
            (string key) =>
            {
                FunctionInvokingChatClient.CurrentContext!.Terminate = key == "stop";
                return key;
            },
            "f");
        var model = new ScriptedChatClient().Then(Calls(Call("c1", "f", new { key = "go" }), Call("c2", "f", new { key = "stop" }), Call("c3", "f", new { key = "on" })));
        using IChatClient client = control
            ? new FunctionInvokingChatClient(model) { AllowConcurrentInvocation = true }
            : model.AsParallelFunctionInvoking(o => o.Declare("f", FunctionEffects.Pure));

        var response = await client.GetResponseAsync(Ask, With(tool));

        Assert.Single(model.Requests);
        Assert.Equal(["c1", "c2", "c3"], Results(response).Select(r => r.CallId));
        Assert.Equal(ChatRole.Tool, response.Messages[^1].Role);
    }

    /// <summary>
    /// One client, several requests whose tools change in every way a caller can change them: a new list, the same list with a tool
    /// replaced under the same name, a tool added to the client's AdditionalTools, and a request's tool that shadows an additional one.
    /// Each request calls the tool it was given (the client reuses a request's tool map only for the very same tools).
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Tools_ChangedBetweenRequestsOfOneClient_EachRequestCallsItsOwnTools(bool control)
    {
        static AIFunction Tool(string name, string answer) => AIFunctionFactory.Create(() => answer, name);
        var model = new ScriptedChatClient();
        for (int i = 0; i < 6; i++)
        {
            model.Then(Calls(Call($"c{i}", "f"), Call($"d{i}", "g"))).Then(Text("done"));
        }

        using FunctionInvokingChatClient client = control
            ? new FunctionInvokingChatClient(model) { AllowConcurrentInvocation = true }
            : model.AsParallelFunctionInvoking(o => o.Declare("f", FunctionEffects.Pure).Declare("g", FunctionEffects.Pure));
        var options = With(Tool("f", "f1"), Tool("g", "g1"));
        var answers = new List<string>();
        async Task Ask()
        {
            var response = await client.GetResponseAsync(Harness.Ask, options);
            answers.Add(string.Join(",", Results(response).Select(r => r.Result?.ToString())));
        }

        await Ask();
        await Ask(); // the very same tools
        options.Tools![0] = Tool("f", "f2"); // the same list, one tool replaced under its name
        await Ask();
        options = With(Tool("f", "f3"), Tool("g", "g3")); // a new list
        await Ask();
        options.Tools!.RemoveAt(1);
        client.AdditionalTools = [Tool("g", "additional g")]; // g now comes from the client
        await Ask();
        options.Tools!.Add(Tool("g", "request g")); // a request's tool comes before an additional one of the same name
        await Ask();

        Assert.Equal(["f1,g1", "f1,g1", "f2,g1", "f3,g3", "f3,additional g", "f3,request g"], answers);
    }

    [Theory]
    [InlineData(false, false, false)]
    [InlineData(true, false, false)]
    [InlineData(true, true, true)]
    [InlineData(false, true, true)]
    public async Task IncludeDetailedErrors_InitialisedFromTheOptions_TheClientPropertyDecides(bool fromOptions, bool onClient, bool expectDetail)
    {
        var tool = AIFunctionFactory.Create(string () => throw new InvalidOperationException("secret detail"), "f");
        var model = new ScriptedChatClient().Then(Calls(Call("c1", "f"))).Then(Text("done"));
        using var client = model.AsParallelFunctionInvoking(o => { o.Declare("f", FunctionEffects.Pure); o.IncludeDetailedErrors = fromOptions; });
        Assert.Equal(fromOptions, client.IncludeDetailedErrors);
        client.IncludeDetailedErrors = onClient;

        await client.GetResponseAsync(Ask, With(tool));

        string sent = Assert.Single(ToolMessageSent(model, 1).Contents.OfType<FunctionResultContent>()).Result!.ToString()!;
        Assert.Equal(expectDetail, sent.Contains("secret detail", StringComparison.Ordinal));
    }

    private sealed class EmptyServices : IServiceProvider
    {
        public object? GetService(Type serviceType) => null;
    }
}
