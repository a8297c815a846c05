using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.SemanticKernel;

namespace SemanticKernel.ParallelInvocation.SemanticKernelTests.FilterContract;

/// <summary>One call the scripted model emits: its id (ignored where the wire has none), the contract function and its raw JSON arguments.</summary>
public sealed record ContractCall(string Id, string Function, string ArgumentsJson);

/// <summary>One result the host recorded for the turn: the call id (null where the wire has none), the function and the text.</summary>
public sealed record ContractResult(string? CallId, string Function, string Text);

/// <summary>
/// What one turn left: the results recorded for the scripted calls, in order, how many model requests were made, the kernel, and the text
/// of the tool messages (where a host writes an error there rather than as a result).
/// </summary>
public sealed record ContractTurn(IReadOnlyList<ContractResult> Results, int Requests, Kernel Kernel, string ToolText = "");

/// <summary>
/// Semantic Kernel's auto-function filter contract: what a filter can rely on, whatever delivers the calls. Each test runs twice on the same
/// kernel setup: with ParallelSK (<c>AddParallelFunctionInvocation</c>, called after the test's filters are registered) and without it. The
/// run without it is the control that defines the expected behaviour; the same assertions must pass both ways. Where ParallelSK is
/// deliberately stricter than Semantic Kernel (every call id answered after a Terminate), the assertion is made for the run with it only, and
/// the control's own behaviour is asserted alongside. Timing (which calls overlap) is never asserted here.
/// </summary>
public abstract class FilterContract
{
    public static TheoryData<bool> WithAndWithoutParallelSK => new() { true, false };

    /// <summary>Gets a value indicating whether results carry call ids (Gemini's do not: they are matched by position and function).</summary>
    protected virtual bool CallIdsOnWire => true;

    /// <summary>
    /// Gets a value indicating whether Semantic Kernel delivers every valid call of a batch before any result is written (OpenAI with
    /// concurrent invocation): there a Terminate stops no call already delivered, and every id is answered.
    /// </summary>
    protected virtual bool DeliversConcurrently => false;

    /// <summary>Gets the <c>IsStreaming</c> filters see on this host.</summary>
    protected abstract bool FiltersSeeStreaming { get; }

    /// <summary>Gets the result text of a call whose filters left it no value (its function did not run): how the host writes a null result.</summary>
    protected virtual string NoValueText => string.Empty;

    /// <summary>
    /// Gets a value indicating whether the error Semantic Kernel writes for an exception escaping the outermost filter is that call's result
    /// (Gemini's connector writes it as the tool message's text instead, and the call gets no function response).
    /// </summary>
    protected virtual bool EscapedExceptionIsAResult => true;

    /// <summary>The result text Semantic Kernel writes on this host when an exception escapes the outermost filter.</summary>
    protected abstract string EscapedExceptionText(string message);

    /// <summary>
    /// Builds a kernel with the contract plugin and <paramref name="filters"/> (and, <paramref name="withParallelSK"/>, ParallelSK), scripts
    /// the model to emit <paramref name="calls"/> (<paramref name="turns"/> times, for nested requests) and then to answer "done", runs one
    /// request and returns what the host recorded for the scripted calls of the outermost turn.
    /// </summary>
    private protected abstract Task<ContractTurn> RunTurnAsync(
        bool withParallelSK, ContractPlugin plugin, IReadOnlyList<IAutoFunctionInvocationFilter> filters, IReadOnlyList<ContractCall> calls, int turns = 1);

    /// <summary>Runs one more request on <paramref name="kernel"/> from inside a function and returns its final text.</summary>
    private protected abstract Task<string> AskNestedAsync(Kernel kernel);

    [Theory]
    [MemberData(nameof(WithAndWithoutParallelSK))]
    public async Task ArgumentsChangedBeforeNext_AreTheArgumentsTheFunctionGets(bool withParallelSK)
    {
        var plugin = new ContractPlugin();
        var filter = new DelegateFilter(async (context, next) =>
        {
            if (context.Function.Name == nameof(ContractPlugin.Echo))
            {
                context.Arguments!["text"] = $"changed-{context.Arguments["text"]}";
            }

            await next(context);
        });

        var turn = await RunTurnAsync(withParallelSK, plugin, [filter], [Echo("c1", "a"), Echo("c2", "b"), Write("c3", "k", "v")]);

        Assert.Equal(["changed-a", "changed-b", "k=v"], Texts(turn, 3));
        Assert.Equal(["echo changed-a", "echo changed-b", "write k=v"], plugin.Log.Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(WithAndWithoutParallelSK))]
    public async Task ExceptionCaughtByAFilter_TheFilterReplacesTheResult(bool withParallelSK)
    {
        var plugin = new ContractPlugin();
        var caught = new ConcurrentQueue<string>();
        var filter = new DelegateFilter(async (context, next) =>
        {
            try
            {
                await next(context);
            }
            catch (InvalidOperationException ex)
            {
                caught.Enqueue(ex.Message);
                context.Result = new FunctionResult(context.Result, $"replaced: {ex.Message}");
            }
        });

        var turn = await RunTurnAsync(withParallelSK, plugin, [filter], [Fail("c1", "x"), Echo("c2", "y")]);

        Assert.Equal(["replaced: boom x", "y"], Texts(turn, 2));
        Assert.Equal(["boom x"], caught);
    }

    [Theory]
    [MemberData(nameof(WithAndWithoutParallelSK))]
    public async Task ExceptionNotCaught_TravelsThroughTheFiltersToSemanticKernel(bool withParallelSK)
    {
        var plugin = new ContractPlugin();
        var seen = new ConcurrentQueue<string>();
        var filter = new DelegateFilter(async (context, next) =>
        {
            try
            {
                await next(context);
            }
            catch (Exception ex)
            {
                seen.Enqueue($"{ex.GetType().Name}: {ex.Message}");
                throw;
            }
        });

        var turn = await RunTurnAsync(withParallelSK, plugin, [filter], [Fail("c1", "x"), Echo("c2", "y")]);

        if (EscapedExceptionIsAResult)
        {
            Assert.Equal([EscapedExceptionText("boom x"), "y"], Texts(turn, 2));
        }
        else
        {
            Assert.Equal(["y"], Texts(turn, 1));
            Assert.Contains(EscapedExceptionText("boom x"), turn.ToolText, StringComparison.Ordinal);
        }

        Assert.Equal(["InvalidOperationException: boom x"], seen);
    }

    [Theory]
    [MemberData(nameof(WithAndWithoutParallelSK))]
    public async Task FilterNotCallingNext_TheFunctionNeverRunsAndLaterCallsSeeNoEffect(bool withParallelSK)
    {
        var plugin = new ContractPlugin();
        var filter = new DelegateFilter(async (context, next) =>
        {
            if (context.Function.Name == nameof(ContractPlugin.Write))
            {
                context.Result = new FunctionResult(context.Function, "vetoed");
                return;
            }

            await next(context);
        });

        var turn = await RunTurnAsync(withParallelSK, plugin, [filter], [Write("c1", "a", "1"), Read("c2", "a"), Echo("c3", "z")]);

        Assert.Equal(["vetoed", "(none)", "z"], Texts(turn, 3));
        Assert.Equal(["echo z", "read a"], plugin.Log.Order(StringComparer.Ordinal));
        Assert.Empty(plugin.Store);
    }

    /// <summary>
    /// Delivered one at a time, Semantic Kernel runs no call after the one a filter terminated at, and its loop stops. The later calls here
    /// write the terminating call's key, so ParallelSK orders them after it too: they have not started when it ends (a later call that is
    /// independent may already be running, and then completes). Delivered concurrently,
    /// every call runs and is answered, in Semantic Kernel as with ParallelSK. ParallelSK-only: one at a time, every id still gets exactly one
    /// result (Semantic Kernel leaves the later ones unanswered).
    /// </summary>
    [Theory]
    [MemberData(nameof(WithAndWithoutParallelSK))]
    public async Task TerminateAfterNext_LaterCallsDoNotRunAndTheLoopStops(bool withParallelSK)
    {
        var plugin = new ContractPlugin();
        var seen = new ConcurrentQueue<int>();
        var filter = new DelegateFilter(async (context, next) =>
        {
            seen.Enqueue(context.FunctionSequenceIndex);
            await next(context);
            if (context.FunctionSequenceIndex == 0)
            {
                context.Terminate = true;
            }
        });

        var turn = await RunTurnAsync(withParallelSK, plugin, [filter], [Write("c1", "a", "1"), Write("c2", "a", "2"), Write("c3", "a", "3")]);

        AssertTerminated(withParallelSK, turn, plugin, seen, firstResult: "a=1", ranFirst: true);
    }

    /// <summary>As <see cref="TerminateAfterNext_LaterCallsDoNotRunAndTheLoopStops"/>, with Terminate set before <c>next</c>: that call's function does not run either.</summary>
    [Theory]
    [MemberData(nameof(WithAndWithoutParallelSK))]
    public async Task TerminateBeforeNext_NeitherThatCallNorLaterOnesRun(bool withParallelSK)
    {
        var plugin = new ContractPlugin();
        var seen = new ConcurrentQueue<int>();
        var filter = new DelegateFilter(async (context, next) =>
        {
            seen.Enqueue(context.FunctionSequenceIndex);
            if (context.FunctionSequenceIndex == 0)
            {
                context.Terminate = true;
            }

            await next(context);
        });

        var turn = await RunTurnAsync(withParallelSK, plugin, [filter], [Write("c1", "a", "1"), Write("c2", "a", "2"), Write("c3", "a", "3")]);

        AssertTerminated(withParallelSK, turn, plugin, seen, firstResult: NoValueText, ranFirst: false);
    }

    [Theory]
    [MemberData(nameof(WithAndWithoutParallelSK))]
    public async Task ThreeFilters_NestAroundEachCallInRegistrationOrder(bool withParallelSK)
    {
        var plugin = new ContractPlugin();
        var steps = new ConcurrentQueue<(int Call, string Step)>();
        IAutoFunctionInvocationFilter Nesting(string name) => new DelegateFilter(async (context, next) =>
        {
            steps.Enqueue((context.FunctionSequenceIndex, $"{name} in"));
            await next(context);
            steps.Enqueue((context.FunctionSequenceIndex, $"{name} out"));
        });

        var turn = await RunTurnAsync(withParallelSK, plugin, [Nesting("F1"), Nesting("F2"), Nesting("F3")], [Echo("c1", "a"), Write("c2", "b", "1"), Echo("c3", "c")]);

        Assert.Equal(["a", "b=1", "c"], Texts(turn, 3));
        string[] nested = ["F1 in", "F2 in", "F3 in", "F3 out", "F2 out", "F1 out"];
        Assert.Equal([0, 1, 2], steps.Select(s => s.Call).Distinct().Order());
        Assert.All(steps.GroupBy(s => s.Call), call => Assert.Equal(nested, call.Select(s => s.Step)));
    }

    /// <summary>What filters see of each call: its index, the batch's size (calls Semantic Kernel rejects count, and never reach a filter), its id, the request's index, the streaming flag, the kernel, and one settings object and message per batch.</summary>
    [Theory]
    [MemberData(nameof(WithAndWithoutParallelSK))]
    public async Task ContextFields_AreWhatSemanticKernelGives(bool withParallelSK)
    {
        var plugin = new ContractPlugin();
        var seen = new ConcurrentQueue<AutoFunctionInvocationContext>();
        var filter = new DelegateFilter((context, next) =>
        {
            seen.Enqueue(context);
            return next(context);
        });

        var turn = await RunTurnAsync(withParallelSK, plugin, [filter], [Echo("c1", "a"), new("c2", "NoSuchFunction", "{}"), Echo("c3", "b")]);

        var contexts = seen.OrderBy(c => c.FunctionSequenceIndex).ToArray();
        Assert.Equal([0, 2], contexts.Select(c => c.FunctionSequenceIndex));
        Assert.All(contexts, c => Assert.Equal(3, c.FunctionCount));
        Assert.Equal(CallIdsOnWire ? ["c1", "c3"] : ["", ""], contexts.Select(c => c.ToolCallId));
        Assert.All(contexts, c => Assert.Equal(0, c.RequestSequenceIndex));
        Assert.All(contexts, c => Assert.Equal(FiltersSeeStreaming, c.IsStreaming));
        Assert.All(contexts, c => Assert.Same(turn.Kernel, c.Kernel));
        Assert.All(contexts, c => Assert.Same(contexts[0].ExecutionSettings, c.ExecutionSettings));
        Assert.All(contexts, c => Assert.Equal(3, c.ChatMessageContent.Items.OfType<FunctionCallContent>().Take(3).Count()));
        Assert.Equal(["echo a", "echo b"], plugin.Log.Order(StringComparer.Ordinal));
    }

    /// <summary>
    /// A call's function processes function calls again, from inside its own run, 100 levels deep, each level a batch of two calls: every
    /// level completes and nothing waits on itself.
    /// </summary>
    [Theory]
    [MemberData(nameof(WithAndWithoutParallelSK))]
    public async Task FunctionProcessingCallsAgainFromInsideItsRun_NestsWithoutDeadlock(bool withParallelSK)
    {
        const int Depth = 100;
        var plugin = new ContractPlugin { MaxDepth = Depth };
        plugin.NestAsync = AskNestedAsync;

        var turn = await RunTurnAsync(withParallelSK, plugin, [], [new("c1", nameof(ContractPlugin.Nest), "{}"), Echo("c2", "x")], turns: Depth);

        Assert.Equal(Depth, plugin.Levels);
        Assert.Equal(Depth, plugin.Log.Count(l => l == "echo x"));
        Assert.StartsWith("1: done", Texts(turn, 2)[0], StringComparison.Ordinal);
        Assert.Equal(2 * Depth, turn.Requests);
    }

    private protected static ContractCall Echo(string id, string text) => new(id, nameof(ContractPlugin.Echo), $$"""{"text":"{{text}}"}""");

    private protected static ContractCall Fail(string id, string text) => new(id, nameof(ContractPlugin.Fail), $$"""{"text":"{{text}}"}""");

    private protected static ContractCall Write(string id, string key, string value) => new(id, nameof(ContractPlugin.Write), $$"""{"key":"{{key}}","value":"{{value}}"}""");

    private protected static ContractCall Read(string id, string key) => new(id, nameof(ContractPlugin.Read), $$"""{"key":"{{key}}"}""");

    /// <summary>The texts of the first <paramref name="count"/> scripted calls' results, each answered exactly once, in emitted order.</summary>
    private string[] Texts(ContractTurn turn, int count)
    {
        Assert.Equal(count, turn.Results.Count);
        if (CallIdsOnWire)
        {
            Assert.Equal(count, turn.Results.Select(r => r.CallId).Distinct().Count());
            return Enumerable.Range(1, count).Select(i => Assert.Single(turn.Results, r => r.CallId == $"c{i}").Text).ToArray();
        }

        return turn.Results.Select(r => r.Text).ToArray();
    }

    private void AssertTerminated(bool withParallelSK, ContractTurn turn, ContractPlugin plugin, ConcurrentQueue<int> seen, string firstResult, bool ranFirst)
    {
        // The loop stops after this batch either way.
        Assert.Equal(1, turn.Requests);
        if (DeliversConcurrently)
        {
            Assert.Equal([firstResult, "a=2", "a=3"], Texts(turn, 3));
            Assert.Equal(ranFirst ? ["write a=1", "write a=2", "write a=3"] : ["write a=2", "write a=3"], plugin.Log.Order(StringComparer.Ordinal));
            Assert.Equal([0, 1, 2], seen.Order());
            return;
        }

        Assert.Equal([0], seen);
        Assert.Equal(ranFirst ? ["write a=1"] : [], plugin.Log);
        if (withParallelSK)
        {
            // ParallelSK only: every id answered exactly once, the later ones with why they did not run.
            var texts = Texts(turn, 3);
            Assert.Equal(firstResult, texts[0]);
            Assert.All(texts.Skip(1), t => Assert.Contains("did not run: a filter ended automatic function invocation at call #0", t, StringComparison.Ordinal));
        }
        else
        {
            // Semantic Kernel answers only the call it terminated at.
            Assert.Equal([firstResult], Texts(turn, 1));
        }
    }
}
