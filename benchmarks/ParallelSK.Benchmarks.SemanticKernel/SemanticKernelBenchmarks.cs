using System;
using System.ClientModel.Primitives;
using System.Linq;
using System.Net.Http;
using System.Threading.Tasks;
using BenchmarkDotNet.Attributes;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;
using Microsoft.SemanticKernel.Connectors.OpenAI;
using OpenAI;
using SemanticKernel.ParallelInvocation;

namespace ParallelSK.Benchmarks.SemanticKernel;

/// <summary>
/// One whole request through Semantic Kernel 1.82's OpenAI connector, per operation: the endpoint (in process, OpenAI's wire JSON) returns
/// <see cref="N"/> tool calls of one zero-latency kernel function, Semantic Kernel invokes them, sends the results, and gets the final text.
/// Semantic Kernel alone with <c>AllowConcurrentInvocation</c> and <c>AllowParallelCalls</c> (the baseline) against Semantic Kernel with
/// ParallelSK as README configures it (<c>AddParallelFunctionInvocation</c>, <c>ParallelFunctionChoiceBehavior.Auto()</c>, the function
/// declared read-only).
/// </summary>
public class SemanticKernelBenchmarks
{
    private Kernel _alone = null!;
    private Kernel _parallel = null!;
    private IChatCompletionService _aloneChat = null!;
    private IChatCompletionService _parallelChat = null!;
    private OpenAIPromptExecutionSettings _aloneSettings = null!;
    private OpenAIPromptExecutionSettings _parallelSettings = null!;
    private int _reports;

    [Params(1, 4, 16, 64)]
    public int N { get; set; }

    /// <summary>
    /// Gets or sets a value indicating whether the function completes asynchronously (one <c>Task.Yield</c>, as any tool doing I/O) rather
    /// than synchronously. A synchronous function lets Semantic Kernel alone finish the whole batch without ever yielding.
    /// </summary>
    [Params(false, true)]
    public bool AwaitingTool { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _alone = Build(withParallelSK: false, countReports: false);
        _parallel = Build(withParallelSK: true, countReports: false);
        _aloneChat = _alone.GetRequiredService<IChatCompletionService>();
        _parallelChat = _parallel.GetRequiredService<IChatCompletionService>();
        _aloneSettings = new OpenAIPromptExecutionSettings
        {
            FunctionChoiceBehavior = FunctionChoiceBehavior.Auto(options: new() { AllowConcurrentInvocation = true, AllowParallelCalls = true }),
        };
        _parallelSettings = new OpenAIPromptExecutionSettings { FunctionChoiceBehavior = ParallelFunctionChoiceBehavior.Auto() };

        // Both ways answer the same, and ParallelSK runs the batch: checked on the measured kernels and, for the report (the measured
        // kernel has no callback, as README configures it), on a twin that counts successful reports of N calls.
        Check(_aloneChat, _aloneSettings, _alone, expectReports: 0);
        Check(_parallelChat, _parallelSettings, _parallel, expectReports: 0);
        var counted = Build(withParallelSK: true, countReports: true);
        Check(counted.GetRequiredService<IChatCompletionService>(), _parallelSettings, counted, expectReports: 1);
    }

    [Benchmark(Baseline = true, Description = "SK alone, concurrent invocation")]
    public async Task<int> SemanticKernelAlone() => await AskAsync(_aloneChat, _aloneSettings, _alone).ConfigureAwait(false);

    [Benchmark(Description = "SK + ParallelSK, ReadOnly")]
    public async Task<int> SemanticKernelWithParallelSK() => await AskAsync(_parallelChat, _parallelSettings, _parallel).ConfigureAwait(false);

    private static async Task<int> AskAsync(IChatCompletionService chat, PromptExecutionSettings settings, Kernel kernel)
    {
        var history = new ChatHistory();
        history.AddUserMessage("Look these items up.");
        var answer = await chat.GetChatMessageContentAsync(history, settings, kernel).ConfigureAwait(false);
        return history.Count + (answer.Content?.Length ?? 0);
    }

    private void Check(IChatCompletionService chat, PromptExecutionSettings settings, Kernel kernel, int expectReports)
    {
        int before = _reports;
        var history = new ChatHistory();
        history.AddUserMessage("Look these items up.");
        var answer = chat.GetChatMessageContentAsync(history, settings, kernel).GetAwaiter().GetResult();
        int toolMessages = history.Count(m => m.Role == AuthorRole.Tool);
        if (answer.Content != "All items found." || toolMessages != N)
        {
            throw new InvalidOperationException($"Unexpected run: answer '{answer.Content}', {toolMessages} tool messages for {N} calls.");
        }

        if (_reports - before != expectReports)
        {
            throw new InvalidOperationException($"Expected {expectReports} ParallelSK report(s), got {_reports - before}.");
        }
    }

    private Kernel Build(bool withParallelSK, bool countReports)
    {
        var transport = new HttpClientPipelineTransport(new HttpClient(new ReplayHandler(N, AwaitingTool ? "Inventory-lookup_async" : "Inventory-lookup")));
        var client = new OpenAIClient(new System.ClientModel.ApiKeyCredential("bench"), new OpenAIClientOptions { Transport = transport });
        var builder = Kernel.CreateBuilder().AddOpenAIChatCompletion("gpt-4o", client);
        builder.Plugins.AddFromType<Inventory>();
        if (withParallelSK && countReports)
        {
            builder.AddParallelFunctionInvocation(o => o.OnBatchCompleted = report =>
            {
                if (report.Calls.Count == N && report.Calls.All(c => c.Status == ToolCallStatus.Succeeded))
                {
                    _reports++;
                }
            });
        }
        else if (withParallelSK)
        {
            builder.AddParallelFunctionInvocation();
        }

        return builder.Build();
    }
}
