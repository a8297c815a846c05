using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace SemanticKernel.ParallelInvocation.Tests.Contract;

/// <summary>One call the scripted model emits: its id, the tool (an <see cref="Inventory"/> method name, or an unknown one) and the raw JSON arguments.</summary>
public sealed record ContractCall(string Id, string Tool, string ArgumentsJson);

/// <summary>
/// One result as the model receives it in the follow-up request: the call id (null where the host's wire has none), the tool it answers
/// (null where the wire carries only the id) and its text (a JSON string unwrapped).
/// </summary>
public sealed record ContractResult(string? CallId, string? Tool, string Text)
{
    /// <summary>Gets a value indicating whether the model is told the call failed: every host words an error result "Error: ...".</summary>
    public bool IsError => Text.StartsWith("Error", StringComparison.Ordinal);
}

/// <summary>What one request came back with: the model's final text, and the results it was sent for the scripted turn, in order.</summary>
public sealed record ContractReply(string FinalText, IReadOnlyList<ContractResult> Results);

/// <summary>
/// The behaviours every host of parallel tool calling must show, whatever carries the calls: the <c>IChatClient</c> middleware, or the
/// Semantic Kernel filter on each connector. A test describes one model turn abstractly (the calls), a subclass runs it through its host
/// (registering the <see cref="Inventory"/> tools with their attribute declarations, scripting the model, reading back what the model
/// received), and the test checks the outcome. Where a host legitimately differs it says so through a capability flag; the expectations
/// are not weakened.
/// </summary>
public abstract class ParallelToolCallingContract
{
    /// <summary>The text the scripted model answers with after the tool turn.</summary>
    public const string FinalAnswer = "done";

    /// <summary>A tool name no host has.</summary>
    public const string UnknownTool = "NoSuchTool";

    /// <summary>Turns a hang into a failure; never reached when the host behaves.</summary>
    protected static readonly TimeSpan SafetyTimeout = TimeSpan.FromSeconds(60);

    /// <summary>Gets a value indicating whether results carry call ids on the wire (Gemini's do not: results are matched by position and name).</summary>
    protected virtual bool CallIdsOnWire => true;

    /// <summary>Gets a value indicating whether a call to an unknown tool is answered (Semantic Kernel's Gemini connector drops it before any filter sees it).</summary>
    protected virtual bool AnswersUnknownTools => true;

    /// <summary>
    /// Gets a value indicating whether a call whose tool throws is answered (Semantic Kernel's Gemini connector turns the exception into text,
    /// not a function response, as it does without any filter).
    /// </summary>
    protected virtual bool AnswersThrowingTools => true;

    /// <summary>
    /// Gets a value indicating whether the error result of a throwing tool keeps the exception's message from the model (Semantic Kernel's
    /// chat-completion connectors write it: "Error: Exception while invoking function. {message}").
    /// </summary>
    protected virtual bool HidesExceptionMessages => true;

    /// <summary>
    /// Registers the tools of <paramref name="inventory"/>, scripts the model to emit <paramref name="calls"/> in one turn and then answer
    /// <see cref="FinalAnswer"/>, runs one request with <paramref name="cancellationToken"/>, and returns the final text and the results
    /// the model received for the calls in its follow-up request.
    /// </summary>
    protected abstract Task<ContractReply> RunTurnAsync(Inventory inventory, IReadOnlyList<ContractCall> calls, CancellationToken cancellationToken);

    [Fact]
    public async Task Turn_IndependentReads_RunAtTheSameTime()
    {
        var inventory = new Inventory { ReadRendezvous = new Rendezvous(2) };
        inventory.Stock["apple"] = 3;
        inventory.Stock["pear"] = 4;
        ContractCall[] calls = [Get("c1", "apple"), Get("c2", "pear")];

        var reply = await RunAsync(inventory, calls);

        Assert.True(inventory.ReadRendezvous.Met, "The two reads never ran at the same time.");
        Assert.Equal(["3", "4"], Answers(reply, calls).Select(r => r.Text));
        Assert.Equal(FinalAnswer, reply.FinalText);
    }

    [Fact]
    public async Task Turn_ConflictingWrites_KeepEmittedOrderAndReadsSeeEarlierWrites()
    {
        var inventory = new Inventory();
        inventory.Stock["apple"] = 1;
        inventory.Stock["pear"] = 4;
        ContractCall[] calls =
        [
            Set("c1", "apple", 5), Get("c2", "apple"), Set("c3", "apple", 7), Get("c4", "apple"), Get("c5", "pear"), Add("c6", 2, 3),
        ];

        var reply = await RunAsync(inventory, calls);

        // What running the calls one after another in emitted order gives: results, order of effects on the key, final store.
        Assert.Equal(["apple=5", "5", "apple=7", "7", "4", "5"], Answers(reply, calls).Select(r => r.Text));
        Assert.Equal(["set apple=5", "get apple", "set apple=7", "get apple"], inventory.Log.Where(e => e.Contains("apple", StringComparison.Ordinal)));
        Assert.Equal(calls.Length, inventory.Log.Count);
        Assert.Equal(7, inventory.Stock["apple"]);
        Assert.Equal(4, inventory.Stock["pear"]);
    }

    [Fact]
    public async Task Turn_MixedCalls_AnswerEveryCallExactlyOnce()
    {
        var inventory = new Inventory();
        inventory.Stock["pear"] = 4;
        ContractCall[] calls =
        [
            Get("c1", "apple"), Set("c2", "apple", 2), Add("c3", 1, 1), new("c4", nameof(Inventory.Explode), "{}"), new("c5", UnknownTool, "{}"),
            Get("c6", "pear"), Set("c7", "pear", 9),
        ];

        var reply = await RunAsync(inventory, calls);

        var answered = Answerable(calls);
        if (CallIdsOnWire)
        {
            Assert.Equal(answered.Select(c => c.Id).Order(StringComparer.Ordinal), reply.Results.Select(r => r.CallId).Order(StringComparer.Ordinal));
        }
        else
        {
            Assert.Equal(answered.Select(c => c.Tool), reply.Results.Select(r => r.Tool));
        }

        Assert.Equal(calls.Count(c => c.Tool != UnknownTool), inventory.Log.Count);
        Assert.Equal(FinalAnswer, reply.FinalText);
    }

    [Fact]
    public async Task Turn_ThrowingTool_BecomesErrorResultAndConversationCompletes()
    {
        var inventory = new Inventory();
        inventory.Stock["pear"] = 4;
        ContractCall[] calls = [new("c1", nameof(Inventory.Explode), "{}"), Get("c2", "pear")];

        var reply = await RunAsync(inventory, calls);

        var answers = Answers(reply, calls);
        if (AnswersThrowingTools)
        {
            Assert.True(answers[0].IsError, $"Not an error result: {answers[0].Text}");
            if (HidesExceptionMessages)
            {
                Assert.DoesNotContain("boom", answers[0].Text, StringComparison.Ordinal);
            }
        }

        Assert.False(answers[^1].IsError);
        Assert.Equal("4", answers[^1].Text);
        Assert.Equal(FinalAnswer, reply.FinalText);
    }

    [Fact]
    public async Task Turn_UnknownTool_GetsErrorResultAndDoesNotBlockTheOthers()
    {
        var inventory = new Inventory { ReadRendezvous = new Rendezvous(2) };
        inventory.Stock["apple"] = 3;
        inventory.Stock["pear"] = 4;
        ContractCall[] calls = [Get("c1", "apple"), new("c2", UnknownTool, """{"item":"apple"}"""), Get("c3", "pear")];

        var reply = await RunAsync(inventory, calls);

        Assert.True(inventory.ReadRendezvous.Met, "The reads on either side of the unknown call never ran at the same time.");
        var answers = Answers(reply, calls);
        Assert.Equal("3", answers[0].Text);
        Assert.Equal("4", answers[^1].Text);
        if (AnswersUnknownTools)
        {
            Assert.True(answers[1].IsError, $"Not an error result: {answers[1].Text}");
        }

        Assert.Equal(FinalAnswer, reply.FinalText);
    }

    /// <summary>Virtual only so that a host with a known, reported bug can skip it with the reason; never to weaken it.</summary>
    [Fact]
    public virtual async Task Request_CallerCancelsWhileAToolRuns_ThrowsOperationCanceled()
    {
        var inventory = new Inventory();
        ContractCall[] calls = [new("c1", nameof(Inventory.WaitForCancellation), "{}"), Add("c2", 1, 1)];
        using var cts = new CancellationTokenSource();

        var run = RunTurnAsync(inventory, calls, cts.Token);
        await inventory.Blocked.Task.WaitAsync(SafetyTimeout);
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run.WaitAsync(SafetyTimeout));
    }

    private static ContractCall Get(string id, string item) => new(id, nameof(Inventory.GetStock), $$"""{"item":"{{item}}"}""");

    private static ContractCall Set(string id, string item, int quantity) => new(id, nameof(Inventory.SetStock), $$"""{"item":"{{item}}","quantity":{{quantity}}}""");

    private static ContractCall Add(string id, int a, int b) => new(id, nameof(Inventory.Add), $$"""{"a":{{a}},"b":{{b}}}""");

    private Task<ContractReply> RunAsync(Inventory inventory, IReadOnlyList<ContractCall> calls) =>
        RunTurnAsync(inventory, calls, CancellationToken.None).WaitAsync(SafetyTimeout);

    private ContractCall[] Answerable(IEnumerable<ContractCall> calls) =>
        calls.Where(c => (AnswersUnknownTools || c.Tool != UnknownTool) && (AnswersThrowingTools || c.Tool != nameof(Inventory.Explode))).ToArray();

    /// <summary>The result of each answerable call, in the calls' order: matched by id, or where the wire has none, by position and name.</summary>
    private List<ContractResult> Answers(ContractReply reply, IReadOnlyList<ContractCall> calls)
    {
        var answerable = Answerable(calls);
        if (CallIdsOnWire)
        {
            return answerable.Select(c => Assert.Single(reply.Results, r => r.CallId == c.Id)).ToList();
        }

        Assert.Equal(answerable.Select(c => c.Tool), reply.Results.Select(r => r.Tool));
        return [.. reply.Results];
    }
}
