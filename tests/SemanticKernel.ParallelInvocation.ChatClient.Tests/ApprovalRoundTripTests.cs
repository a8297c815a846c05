using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using SemanticKernel.ParallelInvocation.Tests;
using static SemanticKernel.ParallelInvocation.ChatClient.Tests.Harness;
using static SemanticKernel.ParallelInvocation.ChatClient.Tests.Turn;

namespace SemanticKernel.ParallelInvocation.ChatClient.Tests;

/// <summary>
/// Microsoft.Extensions.AI's approval round trip when no <see cref="ParallelInvocationOptions.ApprovalHandler"/> is set: a turn
/// with a call that needs approval goes back as <see cref="ToolApprovalRequestContent"/>s, and the caller's
/// <see cref="ToolApprovalResponseContent"/>s bring it back to run as one batch.
/// </summary>
public sealed class ApprovalRoundTripTests
{
    private static readonly AIFunction Echo = AIFunctionFactory.Create((string s) => s, "echo");

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task GetResponse_CallNeedsApproval_EveryCallOfTheTurnComesBackAsApprovalRequest(bool streaming)
    {
        var tools = new Tools();
        var model = new ScriptedChatClient().Then(Calls(Call("c1", "delete", new { name = "a" }), Call("c2", "echo", new { s = "x" })));
        using var client = model.AsParallelFunctionInvoking();

        var response = await Send(client, streaming, Ask, With(new ApprovalRequiredAIFunction(tools.Delete), Echo));

        Assert.Empty(tools.Deleted);
        Assert.Single(model.Requests);
        var contents = response.Messages.SelectMany(m => m.Contents).ToList();
        Assert.DoesNotContain(contents, c => c is FunctionCallContent);
        var requests = contents.OfType<ToolApprovalRequestContent>().ToList();
        Assert.Equal(["c1", "c2"], requests.Select(r => ((FunctionCallContent)r.ToolCall).CallId));
        Assert.Equal(2, requests.Select(r => r.RequestId).Distinct().Count());
#pragma warning disable MEAI001 // RequiresConfirmation is experimental.
        Assert.Equal([true, false], requests.Select(r => r.RequiresConfirmation));
#pragma warning restore MEAI001
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task GetResponse_ApprovalAnswers_ApprovedRunRefusedGetErrorEachIdAnsweredOnceAndLoopGoesOn(bool streaming)
    {
        var tools = new Tools();
        var model = new ScriptedChatClient()
            .Then(Calls(Call("c1", "delete", new { name = "a" }), Call("c2", "delete", new { name = "b" }), Call("c3", "echo", new { s = "x" })))
            .Then(Calls(Call("c4", "echo", new { s = "y" })))
            .Then(Text("done"));
        using var client = model.AsParallelFunctionInvoking();
        var options = With(new ApprovalRequiredAIFunction(tools.Delete), Echo);
        var first = await Send(client, streaming, Ask, options);

        var second = await Send(client, streaming, Answer(first, approve: ["c1", "c3"], reason: "keep b"), options);

        Assert.Equal(["a"], tools.Deleted);
        var sent = model.Requests[1].Messages;
        Assert.DoesNotContain(sent.SelectMany(m => m.Contents), c => c is ToolApprovalRequestContent or ToolApprovalResponseContent);
        Assert.Equal(["c1", "c2", "c3"], sent[^2].Contents.OfType<FunctionCallContent>().Select(c => c.CallId));
        var results = ToolMessageSent(model, 1).Contents.Cast<FunctionResultContent>().ToList();
        Assert.Equal(["c1", "c2", "c3"], results.Select(r => r.CallId));
        Assert.Equal("Error: the call to 'delete' was not approved and did not run. Reason given: keep b", results[1].Result);
        Assert.NotNull(results[1].Exception);
        Assert.Equal("x", results[2].Result?.ToString());
        Assert.Equal("done", second.Text);
        Assert.Equal(["c1", "c2", "c3", "c4"], Results(second).Select(r => r.CallId));
        Assert.Equal(["c1", "c2", "c3", "c4"], second.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>().Select(c => c.CallId));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task GetResponse_ApprovedConflictingWrites_RunAsOneBatchInEmittedOrder(bool streaming)
    {
        // If both writes ran at once, "second" would land first: the first write waits until the second has written (or 1 s).
        var doc = new List<string>();
        var secondWrote = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var append = AIFunctionFactory.Create(async (string text) =>
        {
            if (text == "first")
            {
                await Task.WhenAny(secondWrote.Task, Task.Delay(TimeSpan.FromSeconds(1)));
            }

            lock (doc)
            {
                doc.Add(text);
            }

            if (text == "second")
            {
                secondWrote.TrySetResult();
            }
        }, "append");
        var model = new ScriptedChatClient()
            .Then(Calls(Call("c1", "append", new { text = "first" }), Call("c2", "append", new { text = "second" })))
            .Then(Text("done"));
        var reports = new List<BatchReport>();
        using var client = model.AsParallelFunctionInvoking(o =>
        {
            o.Declare("append", FunctionEffects.Writing("doc").RequiringApproval());
            o.OnBatchCompleted = reports.Add;
        });
        var first = await Send(client, streaming, Ask, With(append));

        // The caller answers in reverse order; the calls still run in the order the model emitted them.
        var answered = Answer(first, approve: ["c1", "c2"], reverse: true);
        await Send(client, streaming, answered, With(append));

        Assert.Equal(["first", "second"], doc);
        var report = Assert.Single(reports);
        Assert.Equal(["c1", "c2"], report.Calls.Select(c => c.CallId));
        Assert.Equal([0], report.Calls[1].Predecessors);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task GetResponse_ApprovalRequestWithoutAnswer_ThrowsNamingTheCallAndNothingRuns(bool streaming)
    {
        var tools = new Tools();
        var model = new ScriptedChatClient()
            .Then(Calls(Call("c1", "delete", new { name = "a" }), Call("c2", "delete", new { name = "b" })))
            .Then(Text("unused"));
        using var client = model.AsParallelFunctionInvoking();
        var options = With(new ApprovalRequiredAIFunction(tools.Delete));
        var first = await Send(client, streaming, Ask, options);
        var partial = Answer(first, approve: ["c1"]);
        var last = partial[^1];
        last.Contents = [.. last.Contents.Where(c => c is not ToolApprovalResponseContent { ToolCall: FunctionCallContent { CallId: "c2" } })];

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => Send(client, streaming, partial, options));

        Assert.Contains("'c2'", ex.Message, StringComparison.Ordinal);
        Assert.Contains(nameof(ToolApprovalResponseContent), ex.Message, StringComparison.Ordinal);
        Assert.Empty(tools.Deleted);
        Assert.Single(model.Requests);
    }

    [Fact]
    public async Task GetResponse_TwoAnswersForOneCall_ThrowsAndNothingRuns()
    {
        var tools = new Tools();
        var model = new ScriptedChatClient().Then(Calls(Call("c1", "delete", new { name = "a" }))).Then(Text("unused"));
        using var client = model.AsParallelFunctionInvoking();
        var options = With(new ApprovalRequiredAIFunction(tools.Delete));
        var first = await client.GetResponseAsync(Ask, options);
        var request = first.Messages.SelectMany(m => m.Contents).OfType<ToolApprovalRequestContent>().Single();
        List<ChatMessage> answered = [.. Ask, .. first.Messages, new(ChatRole.User, [request.CreateResponse(true), request.CreateResponse(false)])];

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => client.GetResponseAsync(answered, options));

        Assert.Contains("more than one", ex.Message, StringComparison.Ordinal);
        Assert.Empty(tools.Deleted);
    }

    [Fact]
    public async Task GetResponse_HistoryHoldsAnEarlierRoundTrip_AnsweredCallsDoNotRunAgain()
    {
        var tools = new Tools();
        var model = new ScriptedChatClient()
            .Then(Calls(Call("c1", "delete", new { name = "a" })))
            .Then(Text("deleted"))
            .Then(Text("anything else?"));
        using var client = model.AsParallelFunctionInvoking();
        var options = With(new ApprovalRequiredAIFunction(tools.Delete));
        var first = await client.GetResponseAsync(Ask, options);
        var answered = Answer(first, approve: ["c1"]);
        var second = await client.GetResponseAsync(answered, options);

        // A serialised history loses InformationalOnly: the results in it must be enough to tell that c1 was answered.
        List<ChatMessage> history = [.. answered, .. second.Messages, new(ChatRole.User, "thanks")];
        foreach (var call in history.SelectMany(m => m.Contents).OfType<FunctionCallContent>())
        {
            call.InformationalOnly = false;
        }

        await client.GetResponseAsync(history, options);

        Assert.Equal(["a"], tools.Deleted);
        Assert.DoesNotContain(model.Requests[2].Messages.SelectMany(m => m.Contents), c => c is ToolApprovalRequestContent or ToolApprovalResponseContent);
    }

    [Fact]
    public async Task GetResponse_AnswersWithConversationId_SendsOnlyTheResultsAndReturnsCallsAndResults()
    {
        var tools = new Tools();
        var model = new ScriptedChatClient()
            .Then(Calls(Call("c1", "delete", new { name = "a" })))
            .Then(new ChatResponse(new ChatMessage(ChatRole.Assistant, "deleted")) { ConversationId = "conv" });
        using var client = model.AsParallelFunctionInvoking();
        var options = With(new ApprovalRequiredAIFunction(tools.Delete));
        var first = await client.GetResponseAsync(Ask, options);
        var request = first.Messages.SelectMany(m => m.Contents).OfType<ToolApprovalRequestContent>().Single();
        options.ConversationId = "conv";

        // The service keeps the history: the caller sends only the new message.
        var second = await client.GetResponseAsync([new ChatMessage(ChatRole.User, [request.CreateResponse(true)])], options);

        Assert.Equal(["a"], tools.Deleted);
        var sent = Assert.Single(model.Requests[1].Messages);
        Assert.Equal("c1", Assert.IsType<FunctionResultContent>(Assert.Single(sent.Contents)).CallId);
        Assert.Equal([ChatRole.Assistant, ChatRole.Tool, ChatRole.Assistant], second.Messages.Select(m => m.Role));
        Assert.Equal("deleted", second.Text);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task GetResponse_ApprovalHandlerSet_HandlerDecidesAndNoApprovalRequestIsReturned(bool streaming)
    {
        var tools = new Tools();
        var asked = new List<string>();
        var model = new ScriptedChatClient()
            .Then(Calls(Call("c1", "delete", new { name = "a" }), Call("c2", "delete", new { name = "b" })))
            .Then(Text("done"));
        using var client = model.AsParallelFunctionInvoking(o => o.ApprovalHandler = (request, _) =>
        {
            lock (asked)
            {
                asked.Add(request.CallId);
            }

            return ValueTask.FromResult(request.CallId == "c1");
        });

        var response = await Send(client, streaming, Ask, With(new ApprovalRequiredAIFunction(tools.Delete)));

        Assert.Equal(["c1", "c2"], asked.Order());
        Assert.Equal(["a"], tools.Deleted);
        Assert.DoesNotContain(response.Messages.SelectMany(m => m.Contents), c => c is ToolApprovalRequestContent);
        Assert.Contains("not approved", Results(response)[1].Result?.ToString(), StringComparison.Ordinal);
        Assert.Equal("done", response.Text);
    }

    [Fact]
    public async Task GetStreamingResponse_CallNeedsApproval_TextBeforeTheCallsStreamsAtOnce()
    {
        var updates = new List<ChatResponseUpdate>();
        int receivedWhenModelWentOn = -1;
        var model = new ScriptedChatClient().Then(new ChatResponse(
        [
            new ChatMessage(ChatRole.Assistant, "Deleting a.") { MessageId = "m1" },
            new ChatMessage(ChatRole.Assistant, [Call("c1", "delete", new { name = "a" })]) { MessageId = "m2" },
        ]));
        model.BetweenUpdates = i =>
        {
            receivedWhenModelWentOn = i == 0 ? updates.Count : receivedWhenModelWentOn;
            return Task.CompletedTask;
        };
        using var client = model.AsParallelFunctionInvoking();

        await foreach (var update in client.GetStreamingResponseAsync(Ask, With(new ApprovalRequiredAIFunction(new Tools().Delete))))
        {
            updates.Add(update);
        }

        Assert.Equal(1, receivedWhenModelWentOn);
        Assert.Equal("Deleting a.", updates[0].Text);
        Assert.DoesNotContain(updates.SelectMany(u => u.Contents), c => c is FunctionCallContent);
        Assert.Single(updates.SelectMany(u => u.Contents).OfType<ToolApprovalRequestContent>());
    }

    [Fact]
    public async Task GetResponse_AttributeDeclaredApproval_TakesPartInTheRoundTripAndIsLogged()
    {
        var logs = new CapturingLoggerProvider();
        using var factory = LoggerFactory.Create(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Debug));
        var archive = new Archive();
        var tool = AIFunctionFactory.Create(archive.Store, "store");
        var model = new ScriptedChatClient().Then(Calls(Call("c1", "store", new { item = "x" }))).Then(Text("stored"));
        using var client = model.AsParallelFunctionInvoking(loggerFactory: factory);
        var first = await client.GetResponseAsync(Ask, With(tool));
        Assert.Equal(0, archive.Stored);

        var second = await client.GetResponseAsync(Answer(first, approve: ["c1"]), With(tool));

        Assert.Equal(1, archive.Stored);
        Assert.Equal("stored", second.Text);
        Assert.Contains(logs.Messages, m => m.Text.Contains("'store', which requires approval", StringComparison.Ordinal));
        Assert.Contains(logs.Messages, m => m.Text.Contains("Approval answer for 'store' (call c1): approved = True", StringComparison.Ordinal));
        Assert.Contains(logs.Messages, m => m.Text.Contains("Running the 1 tool calls answered by approval responses as one batch (0 refused)", StringComparison.Ordinal));
    }

    private static async Task<ChatResponse> Send(IChatClient client, bool streaming, IEnumerable<ChatMessage> messages, ChatOptions options) =>
        streaming
            ? await client.GetStreamingResponseAsync(messages, options).ToChatResponseAsync()
            : await client.GetResponseAsync(messages, options);

    /// <summary>The next request's messages: the conversation so far and one user message answering every approval request.</summary>
    private static List<ChatMessage> Answer(ChatResponse response, string[] approve, string? reason = null, bool reverse = false)
    {
        var requests = response.Messages.SelectMany(m => m.Contents).OfType<ToolApprovalRequestContent>().ToList();
        var answers = requests
            .Select(r => (AIContent)r.CreateResponse(approve.Contains(((FunctionCallContent)r.ToolCall).CallId), reason))
            .ToList();
        if (reverse)
        {
            answers.Reverse();
        }

        return [.. Ask, .. response.Messages, new ChatMessage(ChatRole.User, answers)];
    }

    private sealed class Archive
    {
        private int _stored;

        public int Stored => Volatile.Read(ref _stored);

        [WritesResource("archive/{item}"), RequiresApproval]
        public string Store(string item)
        {
            Interlocked.Increment(ref _stored);
            return "stored " + item;
        }
    }

    private sealed class Tools
    {
        private readonly List<string> _deleted = [];

        public Tools() => Delete = AIFunctionFactory.Create((string name) =>
        {
            lock (_deleted)
            {
                _deleted.Add(name);
            }

            return "deleted " + name;
        }, "delete");

        public AIFunction Delete { get; }

        public List<string> Deleted
        {
            get
            {
                lock (_deleted)
                {
                    return [.. _deleted.Order(StringComparer.Ordinal)];
                }
            }
        }
    }
}
