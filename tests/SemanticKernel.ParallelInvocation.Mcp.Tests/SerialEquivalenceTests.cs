using System;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using Xunit.Abstractions;

namespace SemanticKernel.ParallelInvocation.Mcp.Tests;

/// <summary>
/// Random mixed batches against the real MCP filesystem server, through the chat-client middleware and a scripted model, with the
/// generic annotation mapping (<c>MapArguments</c> plus a path normaliser) and plain absolute paths: planned from the tools' annotations
/// they give the results and the final tree of running the batch sequentially; run all at once (undeclared tools taken as read-only,
/// no MCP provider) they do not. The alias-heavy batches and the filesystem profile are in <see cref="FilesystemProfileTests"/>.
/// </summary>
[Collection(FilesystemServerCollection.Name)]
public sealed class SerialEquivalenceTests(FilesystemServerFixture server, ITestOutputHelper output)
{
    private const int Batches = 40;
    private const int CallsPerBatch = 8;

    [Fact]
    public async Task GetResponse_RandomFilesystemBatches_PlannedFromAnnotationsMatchSequentialAndNaiveDoesNot()
    {
        var runner = new FilesystemBatchRunner(server);
        int naiveDifferences = 0, parallelBatches = 0, maxInFlight = 0;
        for (int seed = 0; seed < Batches; seed++)
        {
            var batch = BatchGenerator.Batch(seed, CallsPerBatch);
            string seq = Fresh(seed, "seq"), par = Fresh(seed, "par"), naive = Fresh(seed, "naive");
            var sequential = await runner.RunSequentiallyAsync([.. batch.Select(c => (c.Tool, BatchGenerator.In(c.Arguments, seq)))], seq);
            var planned = await runner.RunThroughMiddlewareAsync([.. batch.Select(c => (c.Tool, BatchGenerator.In(c.Arguments, par)))], par, o =>
            {
                o.AddMcpToolAnnotations(m => m.MapArguments("fs:", "path", "paths", "source", "destination"));
                o.KeyNormalizers["fs:"] = ResourceKeyNormalizers.FilePath(par);
            });
            var allAtOnce = await runner.RunThroughMiddlewareAsync([.. batch.Select(c => (c.Tool, BatchGenerator.In(c.Arguments, naive)))], naive, o => o.UndeclaredFunctions = UndeclaredFunctionPolicy.ReadOnly);

            Assert.True(sequential.SameAs(planned), $"seed {seed}: planned differs from sequential\nsequential:\n{sequential}\nplanned:\n{planned}\n{planned.Report!.ToTimeline()}");
            naiveDifferences += sequential.SameAs(allAtOnce) ? 0 : 1;
            parallelBatches += planned.Report!.MaxInFlight > 1 ? 1 : 0;
            maxInFlight = Math.Max(maxInFlight, planned.Report.MaxInFlight);
        }

        output.WriteLine($"Checked {Batches} batches, {Batches * CallsPerBatch} calls each way (sequential, planned, naive) against the MCP filesystem server.");
        output.WriteLine($"Planned runs: {parallelBatches} batches ran calls concurrently (up to {maxInFlight} at once); naive all-at-once runs differed from sequential in {naiveDifferences} batches.");
        Console.WriteLine($"MCP serial equivalence (annotations): {Batches} batches x {CallsPerBatch} calls; planned = sequential in all; naive differed in {naiveDifferences}; concurrent planned batches {parallelBatches}.");
        Assert.True(parallelBatches > Batches / 2, $"only {parallelBatches} of {Batches} planned batches ran anything concurrently");
        Assert.True(naiveDifferences > 0, "running every call at once never differed from the sequential run: the batches do not exercise conflicts");
    }

    private string Fresh(int seed, string mode)
    {
        string dir = Path.Combine(server.Root, $"s{seed:D3}-{mode}");
        BatchGenerator.Seed(dir);
        return dir;
    }
}
