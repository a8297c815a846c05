using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;
using SemanticKernel.ParallelInvocation.Mcp;
using Xunit.Abstractions;

namespace SemanticKernel.ParallelInvocation.Mcp.Tests;

/// <summary>
/// <see cref="McpParallelInvocationOptionsExtensions.AddMcpFilesystemServerEffects"/> against the real, pinned
/// <c>@modelcontextprotocol/server-filesystem</c>: what each tool touches, the cases issue 11 measured, and random batches with
/// aliased paths compared with the sequential run.
/// </summary>
[Collection(FilesystemServerCollection.Name)]
public sealed class FilesystemProfileTests(FilesystemServerFixture server, ITestOutputHelper output)
{
    private const int Batches = 500;
    private const int NaiveBatches = 150;
    private const int CallsPerBatch = 8;

    private readonly FilesystemBatchRunner _runner = new(server);

    private ParallelInvocationOptions Profile(ParallelInvocationOptions o) => o.AddMcpFilesystemServerEffects(server.Root, homeDirectory: server.Root);

    [Fact]
    public void GetEffects_EveryToolOfThePinnedServer_HasAProfileEntry()
    {
        var provider = Profile(new ParallelInvocationOptions()).EffectsProviders[0];

        var missing = server.Tools.Where(t => provider.GetEffects(t) is null).Select(t => t.Name).ToList();

        Assert.Empty(missing);
        Assert.Equal(14, server.Tools.Count);
    }

    [Theory]
    [InlineData("read_text_file", "reads fs:{path}")]
    [InlineData("read_multiple_files", "reads fs:{paths}")]
    [InlineData("list_directory", "reads fs:{path}")]
    [InlineData("directory_tree", "reads fs:{path}")]
    [InlineData("search_files", "reads fs:{path}")]
    [InlineData("write_file", "reads fsdir:{path}/..; writes fs:{path}")]
    [InlineData("edit_file", "writes fs:{path}")]
    [InlineData("create_directory", "writes fs:{path}, fsdir:{path}")]
    [InlineData("move_file", "reads fsdir:{destination}/..; writes fs:{source}, fs:{destination}, fsdir:{source}, fsdir:{destination}")]
    [InlineData("list_allowed_directories", "pure")]
    public void GetEffects_Tool_SaysWhatItTouches(string tool, string expected)
    {
        var provider = Profile(new ParallelInvocationOptions()).EffectsProviders[0];

        Assert.Equal(expected, provider.GetEffects(server.Tool(tool))!.ToString());
    }

    [Fact]
    public void GetEffects_SameNameOtherArguments_IsNotThisServer()
    {
        var provider = Profile(new ParallelInvocationOptions()).EffectsProviders[0];
        var other = new ModelContextProtocol.Client.McpClientTool(server.Client, new ModelContextProtocol.Protocol.Tool
        {
            Name = "write_file",
            InputSchema = System.Text.Json.JsonDocument.Parse("""{"type":"object","properties":{"key":{"type":"string"}}}""").RootElement,
        });

        Assert.Null(provider.GetEffects(other));
        Assert.Null(provider.GetEffects(AIFunctionFactory.Create((string path) => path, "read_text_file")));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task GetResponse_WriteThenReadThroughALeadingSpaceAlias_ReadSeesTheWrite(bool profile)
    {
        // Issue 11: [write_file " a.txt", read_text_file "./ a.txt"] ran unordered and the read returned the old content, 10 of 10 times.
        for (int run = 0; run < 10; run++)
        {
            string name = $" lead-{Guid.NewGuid():N}.txt";
            File.WriteAllText(Path.Combine(server.Root, name), "old\n");
            var outcome = await _runner.RunThroughMiddlewareAsync(
                [("write_file", new() { ["path"] = name, ["content"] = "new\n" }), ("read_text_file", new() { ["path"] = "./" + name })],
                server.Root,
                o =>
                {
                    if (profile)
                    {
                        Profile(o);
                    }
                    else
                    {
                        // README's generic configuration: annotations plus the path normaliser.
                        o.AddMcpToolAnnotations(m => m.MapArguments("fs:", "path", "paths", "source", "destination"));
                        o.KeyNormalizers["fs:"] = ResourceKeyNormalizers.FilePath(server.Root);
                    }
                });

            Assert.Equal([0], outcome.Report!.Calls[1].Predecessors);
            Assert.Contains("new", outcome.Results[1], StringComparison.Ordinal);
            Assert.DoesNotContain("old", outcome.Results[1], StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task GetResponse_CreateDirectoryThenWriteInsideIt_WriteWaitsForMkdirP()
    {
        // Issue 11: create_directory is mkdir -p, but only its own path was declared, so the write failed with ENOENT.
        string proj = $"proj-{Guid.NewGuid():N}";
        List<(string, Dictionary<string, object?>)> calls =
            [("create_directory", new() { ["path"] = proj + "/src" }), ("write_file", new() { ["path"] = proj + "/README.md", ["content"] = "hi" })];
        var outcome = await _runner.RunThroughMiddlewareAsync(calls, server.Root, o => Profile(o));

        Assert.Equal([0], outcome.Report!.Calls[1].Predecessors);
        Assert.All(outcome.Report.Calls, c => Assert.Equal(ToolCallStatus.Succeeded, c.Status));
        Assert.StartsWith("ok: ", outcome.Results[1], StringComparison.Ordinal);
        Assert.Equal("hi", File.ReadAllText(Path.Combine(server.Root, proj, "README.md")));

        // The generic annotation mapping leaves the pair unordered: the write may run before the directory exists.
        string other = $"proj-{Guid.NewGuid():N}";
        var generic = await _runner.RunThroughMiddlewareAsync(
            [("create_directory", new() { ["path"] = other + "/src" }), ("write_file", new() { ["path"] = other + "/README.md", ["content"] = "hi" })],
            server.Root,
            o =>
            {
                o.AddMcpToolAnnotations(m => m.MapArguments("fs:", "path", "paths", "source", "destination"));
                o.KeyNormalizers["fs:"] = ResourceKeyNormalizers.FilePath(server.Root);
            });
        Assert.Empty(generic.Report!.Calls[1].Predecessors);
    }

    [Fact]
    public async Task GetResponse_MoveADirectoryWhoseChildrenAreRead_MatchesSequential()
    {
        var calls = new List<(string, Dictionary<string, object?>)>
        {
            ("read_text_file", new() { ["path"] = "{dir}/notes/c.txt" }),
            ("move_file", new() { ["source"] = "{rel}/notes/", ["destination"] = "~/{rel}/moved" }),
            ("read_text_file", new() { ["path"] = "./{rel}/moved/c.txt" }),
            ("read_text_file", new() { ["path"] = "{dir}/notes/deep/d.txt" }),
            ("write_file", new() { ["path"] = "{dir}/moved/deep/../new.txt", ["content"] = "x" }),
            ("list_directory", new() { ["path"] = "{dir}/moved/" }),
        };

        var (sequential, planned, _) = await RunAllWaysAsync(calls, seed: 9000, naive: false);

        Assert.True(sequential.SameAs(planned), $"sequential:\n{sequential}\nplanned:\n{planned}\n{planned.Report!.ToTimeline()}");
    }

    [Fact]
    public async Task GetResponse_RandomBatchesWithAliasedPaths_MatchSequentialAndNaiveDoesNot()
    {
        var clock = Stopwatch.StartNew();
        int naiveDifferences = 0, parallelBatches = 0, calls = 0;
        for (int seed = 0; seed < Batches; seed++)
        {
            var batch = AliasBatchGenerator.Batch(seed, CallsPerBatch);
            var (sequential, planned, naive) = await RunAllWaysAsync(batch, seed, naive: seed < NaiveBatches);

            Assert.True(sequential.SameAs(planned), $"seed {seed}: planned differs from sequential\nsequential:\n{sequential}\nplanned:\n{planned}\n{planned.Report!.ToTimeline()}");
            naiveDifferences += naive is null || sequential.SameAs(naive) ? 0 : 1;
            parallelBatches += planned.Report!.MaxInFlight > 1 ? 1 : 0;
            calls += batch.Count;
        }

        string summary = $"MCP serial equivalence (filesystem profile, aliased paths): {Batches} batches, {calls} calls; planned = sequential in all {Batches}; "
            + $"{parallelBatches} planned batches ran calls concurrently; naive all-at-once differed in {naiveDifferences} of {NaiveBatches}; {clock.Elapsed.TotalSeconds:F0} s.";
        output.WriteLine(summary);
        Console.WriteLine(summary);
        Assert.True(naiveDifferences > 0, "running every call at once never differed from the sequential run: the batches do not exercise conflicts");
        Assert.True(parallelBatches > Batches / 4, $"only {parallelBatches} of {Batches} planned batches ran anything concurrently");
    }

    private async Task<(FilesystemBatchRunner.Outcome Sequential, FilesystemBatchRunner.Outcome Planned, FilesystemBatchRunner.Outcome? Naive)> RunAllWaysAsync(
        IReadOnlyList<(string Tool, Dictionary<string, object?> Arguments)> batch, int seed, bool naive)
    {
        (string Dir, string Rel, List<(string, Dictionary<string, object?>)> Calls) Fresh(string mode)
        {
            string rel = $" a{seed:D4}-{mode}"; // a leading space: relative paths start with one, as in issue 11
            string dir = Path.Combine(server.Root, rel);
            AliasBatchGenerator.Seed(dir);
            return (dir, rel, [.. batch.Select(c => (c.Tool, AliasBatchGenerator.In(c.Arguments, dir, rel)))]);
        }

        var seq = Fresh("seq");
        var sequential = await _runner.RunSequentiallyAsync(seq.Calls, seq.Dir, seq.Rel);
        var par = Fresh("par");
        var planned = await _runner.RunThroughMiddlewareAsync(par.Calls, par.Dir, o => Profile(o), par.Rel);
        if (!naive)
        {
            return (sequential, planned, null);
        }

        var all = Fresh("naive");
        var allAtOnce = await _runner.RunThroughMiddlewareAsync(all.Calls, all.Dir, o => o.UndeclaredFunctions = UndeclaredFunctionPolicy.ReadOnly, all.Rel);
        return (sequential, planned, allAtOnce);
    }
}
