using System;
using System.Collections.Concurrent;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;
using SemanticKernel.ParallelInvocation.SemanticKernelTests.Fakes;

namespace SemanticKernel.ParallelInvocation.SemanticKernelTests.Processor;

/// <summary>
/// Semantic Kernel's own filter scenarios for its function-calls processor (its FunctionCallsProcessorTests), run on the real processor
/// called directly, as those tests call it: with the concurrency option passed apart from execution settings that have no
/// FunctionChoiceBehavior, so that filters can tell neither the mode nor the advertised functions. Each runs with and without ParallelSK,
/// concurrently and one call at a time; the assertions are Semantic Kernel's, and hold both ways.
/// </summary>
public sealed class FunctionCallsProcessorFilterTests
{
    public static TheoryData<bool, bool> Modes => new()
    {
        { true, true },
        { true, false },
        { false, true },
        { false, false },
    };

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task FilterCanOverrideArguments(bool withParallelSK, bool invokeConcurrently)
    {
        var kernel = CreateKernel(withParallelSK, TwoEchoes(), async (context, next) =>
        {
            context.Arguments!["parameter"] = "NewValue";
            await next(context);
        });
        var history = new ChatHistory();

        await ProcessAsync(kernel, TwoCalls(), history, invokeConcurrently);

        Assert.Equal(3, history.Count);
        Assert.Equal("NewValue", history[1].Items.OfType<FunctionResultContent>().Single().Result);
        Assert.Equal("NewValue", history[2].Items.OfType<FunctionResultContent>().Single().Result);
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task FilterCanHandleException(bool withParallelSK, bool invokeConcurrently)
    {
        var function1 = KernelFunctionFactory.CreateFromMethod((string parameter) => { throw new KernelException("Exception from Function1"); }, "Function1");
        var function2 = KernelFunctionFactory.CreateFromMethod((string parameter) => "Result from Function2", "Function2");
        var kernel = CreateKernel(withParallelSK, KernelPluginFactory.CreateFromFunctions("MyPlugin", [function1, function2]), async (context, next) =>
        {
            try
            {
                await next(context);
            }
            catch (KernelException exception)
            {
                Assert.Equal("Exception from Function1", exception.Message);
                context.Result = new FunctionResult(context.Result, "Result from filter");
            }
        });
        var history = new ChatHistory();
        history.AddSystemMessage("System message");

        await ProcessAsync(kernel, TwoCalls(), history, invokeConcurrently);

        Assert.Equal("Result from filter", history[^2].Content);
        Assert.Equal("Result from Function2", history[^1].Content);
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task FunctionExceptionNotCaught_SemanticKernelWritesItsError(bool withParallelSK, bool invokeConcurrently)
    {
        var function1 = KernelFunctionFactory.CreateFromMethod(() => { throw new InvalidOperationException("This is test exception."); }, "Function1");
        var function2 = KernelFunctionFactory.CreateFromMethod(() => "ok", "Function2");
        // These functions declare nothing, so ParallelSK runs them as exclusive; its failure policy would skip the second after the first
        // failed. Running every call, as Semantic Kernel does, is the policy's RunAll.
        var kernel = CreateKernel(withParallelSK, KernelPluginFactory.CreateFromFunctions("MyPlugin", [function1, function2]), o => o.FailurePolicy = FailurePolicy.RunAll);
        var history = new ChatHistory();

        await ProcessAsync(kernel, TwoCalls(), history, invokeConcurrently);

        Assert.Equal("Error: Exception while invoking function. This is test exception.", history[1].Items.OfType<FunctionResultContent>().Single().Result);
        Assert.Equal("ok", history[2].Items.OfType<FunctionResultContent>().Single().Result);
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task FiltersCanSkipFunctionExecution(bool withParallelSK, bool invokeConcurrently)
    {
        int filterInvocations = 0;
        int firstFunctionInvocations = 0;
        int secondFunctionInvocations = 0;
        var function1 = KernelFunctionFactory.CreateFromMethod((string parameter) => { firstFunctionInvocations++; return parameter; }, "Function1");
        var function2 = KernelFunctionFactory.CreateFromMethod((string parameter) => { secondFunctionInvocations++; return parameter; }, "Function2");
        var kernel = CreateKernel(withParallelSK, KernelPluginFactory.CreateFromFunctions("MyPlugin", [function1, function2]), async (context, next) =>
        {
            if (context.Function.Name == "Function2")
            {
                await next(context);
            }

            Interlocked.Increment(ref filterInvocations);
        });

        await ProcessAsync(kernel, TwoCalls(), new ChatHistory(), invokeConcurrently);

        Assert.Equal(2, filterInvocations);
        Assert.Equal(0, firstFunctionInvocations);
        Assert.Equal(1, secondFunctionInvocations);
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task PreFilterCanTerminateOperation(bool withParallelSK, bool invokeConcurrently)
    {
        int invocations = 0;
        var kernel = CreateKernel(withParallelSK, TwoEchoes(() => Interlocked.Increment(ref invocations)), async (context, next) =>
        {
            context.Terminate = true;
            await next(context);
        });

        await ProcessAsync(kernel, TwoCalls(), new ChatHistory(), invokeConcurrently);

        Assert.Equal(0, invocations);
    }

    /// <summary>
    /// Semantic Kernel's expectations for a Terminate after <c>next</c>: concurrently, every call runs and is answered; one at a time, only
    /// the first. With the mode passed apart ParallelSK cannot tell which at the first call, so it leaves the later ids to Semantic Kernel,
    /// and never answers an id twice (it once answered the second call itself and then Semantic Kernel did again).
    /// </summary>
    [Theory]
    [MemberData(nameof(Modes))]
    public async Task PostFilterCanTerminateOperation_EveryIdAnsweredAtMostOnce(bool withParallelSK, bool invokeConcurrently)
    {
        int firstFunctionInvocations = 0;
        int secondFunctionInvocations = 0;
        var function1 = KernelFunctionFactory.CreateFromMethod((string parameter) => { firstFunctionInvocations++; return parameter; }, "Function1");
        var function2 = KernelFunctionFactory.CreateFromMethod((string parameter) => { secondFunctionInvocations++; return parameter; }, "Function2");
        var kernel = CreateKernel(withParallelSK, KernelPluginFactory.CreateFromFunctions("MyPlugin", [function1, function2]), async (context, next) =>
        {
            await next(context);
            context.Terminate = true;
        });
        var history = new ChatHistory();

        await ProcessAsync(kernel, TwoCalls(ids: true), history, invokeConcurrently);

        var results = history.SelectMany(x => x.Items).OfType<FunctionResultContent>().ToList();
        Assert.Equal(results.Count, results.Select(r => r.CallId).Distinct().Count());
        if (invokeConcurrently)
        {
            Assert.Equal(3, history.Count);
            Assert.Contains(results, x => x.FunctionName == "Function1" && x.Result?.ToString() == "function1-result");
            Assert.Contains(results, x => x.FunctionName == "Function2" && x.Result?.ToString() == "function2-result");
            Assert.Equal(1, firstFunctionInvocations);
            Assert.Equal(1, secondFunctionInvocations);
        }
        else
        {
            Assert.Equal(2, history.Count);
            Assert.Equal("function1-result", Assert.Single(results).Result);
            Assert.Equal(1, firstFunctionInvocations);
            Assert.Equal(0, secondFunctionInvocations);
        }
    }

    /// <summary>
    /// A Terminate at a later call: by then ParallelSK has seen how the processor delivers (one at a time, the earlier results are already in
    /// the chat history; concurrently, they are not). One at a time, the call after it does not run in either case, and ParallelSK alone
    /// answers its id (stricter than Semantic Kernel); concurrently, every call runs and Semantic Kernel answers every id.
    /// </summary>
    [Theory]
    [MemberData(nameof(Modes))]
    public async Task PostFilterTerminatesAtTheSecondCall_TheModeIsLearntAndNoIdIsAnsweredTwice(bool withParallelSK, bool invokeConcurrently)
    {
        var ran = new ConcurrentQueue<string>();
        var plugin = KernelPluginFactory.CreateFromFunctions("MyPlugin", new[] { "Function1", "Function2", "Function3" }.Select(name =>
            KernelFunctionFactory.CreateFromMethod((string parameter) => { ran.Enqueue(name); return parameter; }, name)));
        var kernel = CreateKernel(withParallelSK, plugin, async (context, next) =>
        {
            await next(context);
            context.Terminate = context.FunctionSequenceIndex == 1;
        });
        var message = TwoCalls(ids: true);
        message.Items.Add(new FunctionCallContent("Function3", "MyPlugin", "call-3", new KernelArguments { ["parameter"] = "function3-result" }));
        var history = new ChatHistory();

        await ProcessAsync(kernel, message, history, invokeConcurrently);

        var results = history.SelectMany(x => x.Items).OfType<FunctionResultContent>().ToList();
        Assert.Equal(results.Count, results.Select(r => r.CallId).Distinct().Count());
        if (invokeConcurrently)
        {
            Assert.Equal(["Function1", "Function2", "Function3"], ran.Order(StringComparer.Ordinal));
            Assert.Equal(["call-1", "call-2", "call-3"], results.Select(r => r.CallId));
            return;
        }

        Assert.Equal(["Function1", "Function2"], ran.Order(StringComparer.Ordinal));
        if (withParallelSK)
        {
            // The later id is answered before the terminating call's result, which stays the last message.
            Assert.Equal(["call-1", "call-3", "call-2"], results.Select(r => r.CallId));
            Assert.StartsWith("Error: the call to 'Function3' did not run", results[1].Result?.ToString(), StringComparison.Ordinal);
        }
        else
        {
            Assert.Equal(["call-1", "call-2"], results.Select(r => r.CallId));
        }
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task MultipleFiltersRunInOrder(bool withParallelSK, bool invokeConcurrently)
    {
        var log = new ConcurrentQueue<(string Call, string Step)>();
        Func<AutoFunctionInvocationContext, Func<AutoFunctionInvocationContext, Task>, Task> Filter(string name) => async (context, next) =>
        {
            log.Enqueue((context.Function.Name, $"{name}-Invoking"));
            await next(context);
            log.Enqueue((context.Function.Name, $"{name}-Invoked"));
        };
        var kernel = CreateKernel(withParallelSK, TwoEchoes(), Filter("Filter1"), Filter("Filter2"), Filter("Filter3"));
        var history = new ChatHistory();

        await ProcessAsync(kernel, TwoCalls(), history, invokeConcurrently);

        string[] nested = ["Filter1-Invoking", "Filter2-Invoking", "Filter3-Invoking", "Filter3-Invoked", "Filter2-Invoked", "Filter1-Invoked"];
        Assert.All(log.GroupBy(l => l.Call), call => Assert.Equal(nested, call.Select(l => l.Step)));
        Assert.Equal(2, log.Select(l => l.Call).Distinct().Count());
        Assert.Equal(3, history.Count);
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task FiltersSeeTheRequestAndFunctionSequenceIndexes(bool withParallelSK, bool invokeConcurrently)
    {
        var seen = new ConcurrentQueue<(int Request, int Function, int Count, Kernel Kernel)>();
        Kernel? kernel = null;
        kernel = CreateKernel(withParallelSK, TwoEchoes(), async (context, next) =>
        {
            seen.Enqueue((context.RequestSequenceIndex, context.FunctionSequenceIndex, context.FunctionCount, context.Kernel));
            await next(context);
        });

        await ProcessAsync(kernel, TwoCalls(), new ChatHistory(), invokeConcurrently, requestIndex: 3);

        Assert.Equal([(3, 0, 2), (3, 1, 2)], seen.Select(s => (s.Request, s.Function, s.Count)).Order());
        Assert.All(seen, s => Assert.Same(kernel, s.Kernel));
    }

    /// <summary>
    /// Semantic Kernel's recursion-limit scenario: a function re-processes the same message from inside its own run, 128 levels deep, until
    /// the processor's limit of auto-invocations in flight disables auto-invocation. Here the message holds two calls, so each level is a
    /// batch and the nested processing of the same message comes from inside a running call of a batch of that very message: it is a new
    /// batch, and nothing waits on itself.
    /// </summary>
    [Theory]
    [MemberData(nameof(Modes))]
    public async Task ReprocessingTheSameMessageFromInsideItsRun_ReachesTheInflightLimitWithoutDeadlock(bool withParallelSK, bool invokeConcurrently)
    {
        var processor = new RealFunctionCallsProcessor();
        var message = new ChatMessageContent();
        message.Items.Add(new FunctionCallContent("Recurse", "test", "r"));
        message.Items.Add(new FunctionCallContent("Echo", "test", "e", new KernelArguments { ["text"] = "x" }));
        int level = 0;
        int echoes = 0;
        FunctionChoiceBehaviorConfiguration? atLimit = null;
        Kernel kernel = null!;

        async Task RecurseAsync()
        {
            if (Interlocked.Increment(ref level) == 128)
            {
                atLimit = processor.GetConfiguration(FunctionChoiceBehavior.Auto(), [], 0, kernel);
                return;
            }

            await processor.ProcessFunctionCallsAsync(message, new PromptExecutionSettings(), [], 0, _ => true, Options(invokeConcurrently), kernel, false, CancellationToken.None);
        }

        kernel = CreateKernel(withParallelSK, KernelPluginFactory.CreateFromFunctions("test", [
            KernelFunctionFactory.CreateFromMethod(RecurseAsync, "Recurse"),
            KernelFunctionFactory.CreateFromMethod((string text) => { Interlocked.Increment(ref echoes); return text; }, "Echo")]));

        await processor.ProcessFunctionCallsAsync(message, new PromptExecutionSettings(), [], 0, _ => true, Options(invokeConcurrently), kernel, false, CancellationToken.None)
            .WaitAsync(TestKernels.SafetyNet);

        Assert.False(Assert.IsType<FunctionChoiceBehaviorConfiguration>(atLimit).AutoInvoke);
        Assert.Equal(128, level);
        Assert.Equal(128, echoes);
    }

    private static FunctionChoiceBehaviorOptions Options(bool invokeConcurrently) => new() { AllowConcurrentInvocation = invokeConcurrently };

    private static Task ProcessAsync(Kernel kernel, ChatMessageContent message, ChatHistory history, bool invokeConcurrently, int requestIndex = 0) =>
        new RealFunctionCallsProcessor().ProcessFunctionCallsAsync(
            message, new PromptExecutionSettings(), history, requestIndex, _ => true, Options(invokeConcurrently), kernel, false, CancellationToken.None)
            .WaitAsync(TestKernels.SafetyNet);

    private static KernelPlugin TwoEchoes(Action? onInvoke = null) => KernelPluginFactory.CreateFromFunctions("MyPlugin", [
        KernelFunctionFactory.CreateFromMethod((string parameter) => { onInvoke?.Invoke(); return parameter; }, "Function1"),
        KernelFunctionFactory.CreateFromMethod((string parameter) => { onInvoke?.Invoke(); return parameter; }, "Function2")]);

    private static ChatMessageContent TwoCalls(bool ids = false)
    {
        var message = new ChatMessageContent();
        message.Items.Add(new FunctionCallContent("Function1", "MyPlugin", ids ? "call-1" : null, new KernelArguments { ["parameter"] = "function1-result" }));
        message.Items.Add(new FunctionCallContent("Function2", "MyPlugin", ids ? "call-2" : null, new KernelArguments { ["parameter"] = "function2-result" }));
        return message;
    }

    private static Kernel CreateKernel(bool withParallelSK, KernelPlugin plugin, params Func<AutoFunctionInvocationContext, Func<AutoFunctionInvocationContext, Task>, Task>[] filters) =>
        CreateKernel(withParallelSK, plugin, null, filters);

    private static Kernel CreateKernel(
        bool withParallelSK, KernelPlugin plugin, Action<ParallelInvocationOptions>? configure, params Func<AutoFunctionInvocationContext, Func<AutoFunctionInvocationContext, Task>, Task>[] filters)
    {
        var builder = Kernel.CreateBuilder();
        builder.Plugins.Add(plugin);
        foreach (var filter in filters)
        {
            builder.Services.AddSingleton<IAutoFunctionInvocationFilter>(new FilterContract.DelegateFilter(filter));
        }

        if (withParallelSK)
        {
            builder.AddParallelFunctionInvocation(configure);
        }

        return builder.Build();
    }
}
