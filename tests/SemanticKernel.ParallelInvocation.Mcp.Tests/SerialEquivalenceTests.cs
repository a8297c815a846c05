using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;
using SemanticKernel.ParallelInvocation.ChatClient.Tests;
using Xunit.Abstractions;

namespace SemanticKernel.ParallelInvocation.Mcp.Tests;

/// <summary>
/// Random mixed batches against the real MCP filesystem server, through the chat-client middleware and a scripted model: planned from
/// the tools' annotations they give the results and the final tree of running the batch sequentially; run all at once (undeclared
/// tools taken as read-only, no MCP provider) they do not.
/// </summary>
public sealed class SerialEquivalenceTests(FilesystemServerFixture server, ITestOutputHelper output) : IClassFixture<FilesystemServerFixture>
{
    private const int Batches = 40;
    private const int CallsPerBatch = 8;

    [Fact]
    public async Task GetResponse_RandomFilesystemBatches_PlannedFromAnnotationsMatchSequentialAndNaiveDoesNot()
    {
        int naiveDifferences = 0, parallelBatches = 0, maxInFlight = 0;
        for (int seed = 0; seed < Batches; seed++)
        {
            var batch = BatchGenerator.Batch(seed, CallsPerBatch);
            var sequential = await RunSequentiallyAsync(batch, Fresh(seed, "seq"));
            var (planned, report) = await RunThroughMiddlewareAsync(batch, Fresh(seed, "par"), naive: false);
            var (naive, _) = await RunThroughMiddlewareAsync(batch, Fresh(seed, "naive"), naive: true);

            Assert.True(sequential.Results.SequenceEqual(planned.Results), $"seed {seed}: results differ\nsequential:\n{string.Join("\n", sequential.Results)}\nplanned:\n{string.Join("\n", planned.Results)}\n{report.ToTimeline()}");
            Assert.True(sequential.Tree == planned.Tree, $"seed {seed}: final trees differ\nsequential:\n{sequential.Tree}\nplanned:\n{planned.Tree}");
            naiveDifferences += sequential.Results.SequenceEqual(naive.Results) && sequential.Tree == naive.Tree ? 0 : 1;
            parallelBatches += report.MaxInFlight > 1 ? 1 : 0;
            maxInFlight = Math.Max(maxInFlight, report.MaxInFlight);
        }

        output.WriteLine($"Checked {Batches} batches, {Batches * CallsPerBatch} calls each way (sequential, planned, naive) against the MCP filesystem server.");
        output.WriteLine($"Planned runs: {parallelBatches} batches ran calls concurrently (up to {maxInFlight} at once); naive all-at-once runs differed from sequential in {naiveDifferences} batches.");
        Console.WriteLine($"MCP serial equivalence: {Batches} batches x {CallsPerBatch} calls; planned = sequential in all; naive differed in {naiveDifferences}; concurrent planned batches {parallelBatches}.");
        Assert.True(parallelBatches > Batches / 2, $"only {parallelBatches} of {Batches} planned batches ran anything concurrently");
        Assert.True(naiveDifferences > 0, "running every call at once never differed from the sequential run: the batches do not exercise conflicts");
    }

    private string Fresh(int seed, string mode)
    {
        string dir = Path.Combine(server.Root, $"s{seed:D3}-{mode}");
        BatchGenerator.Seed(dir);
        return dir;
    }

    private async Task<(List<string> Results, string Tree)> RunSequentiallyAsync(List<(string Tool, Dictionary<string, object?> Arguments)> batch, string dir)
    {
        var results = new List<string>();
        foreach (var (tool, arguments) in batch)
        {
            try
            {
                var result = await server.Tool(tool).InvokeAsync(new AIFunctionArguments(BatchGenerator.In(arguments, dir)));
                results.Add(Canonical.Result(result, failed: false, dir));
            }
            catch (Exception ex) when (ex is not Xunit.Sdk.XunitException)
            {
                results.Add(Canonical.Result(null, failed: true, dir));
            }
        }

        return (results, Canonical.Tree(dir));
    }

    private async Task<((List<string> Results, string Tree) Run, BatchReport Report)> RunThroughMiddlewareAsync(List<(string Tool, Dictionary<string, object?> Arguments)> batch, string dir, bool naive)
    {
        var calls = batch.Select((c, i) => new FunctionCallContent($"call_{i}", c.Tool, BatchGenerator.In(c.Arguments, dir))).ToArray();
        var model = new ScriptedChatClient().Then(Turn.Calls(calls)).Then(Turn.Text("done"));
        BatchReport? report = null;
        using var client = model.AsParallelFunctionInvoking(o =>
        {
            o.FailurePolicy = FailurePolicy.RunAll; // what a plain sequential loop does
            o.OnBatchCompleted = r => report = r;
            if (naive)
            {
                o.UndeclaredFunctions = UndeclaredFunctionPolicy.ReadOnly;
            }
            else
            {
                o.AddMcpToolAnnotations(m => m.MapArguments("fs:", "path", "paths", "source", "destination"));
                o.KeyNormalizers["fs:"] = ResourceKeyNormalizers.FilePath(dir);
            }
        });

        await client.GetResponseAsync([new ChatMessage(ChatRole.User, "go")], new ChatOptions { Tools = [.. server.Tools] });

        var results = model.Requests[1].Messages[^1].Contents.Cast<FunctionResultContent>()
            .Select(r => Canonical.Result(r.Result, r.Exception is not null, dir))
            .ToList();
        return ((results, Canonical.Tree(dir)), report!);
    }
}
