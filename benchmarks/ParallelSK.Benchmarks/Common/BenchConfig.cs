using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Exporters;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Perfolizer.Horology;

namespace ParallelSK.Benchmarks.Common;

/// <summary>One BenchmarkDotNet configuration: short enough to finish in a few minutes on 2 cores, per-call columns, GitHub markdown.</summary>
public static class BenchConfig
{
    /// <summary>The configuration; <paramref name="inProcess"/> runs the benchmarks in this process (no generated project to build: quicker on a loaded machine, a little less isolated).</summary>
    public static IConfig Create(bool inProcess = false) => DefaultConfig.Instance
        .AddJob(Short(inProcess))
        .WithBuildTimeout(System.TimeSpan.FromMinutes(15))
        .AddDiagnoser(MemoryDiagnoser.Default)
        .AddColumn(new PerCallColumn(memory: false), new PerCallColumn(memory: true))
        .AddExporter(MarkdownExporter.GitHub)
        .HideColumns(Column.Error, Column.StdDev, Column.Gen0, Column.Gen1, Column.Gen2);

    private static Job Short(bool inProcess)
    {
        var job = Job.Default
            .WithLaunchCount(1)
            .WithWarmupCount(3)
            .WithIterationCount(8)
            .WithIterationTime(TimeInterval.FromMilliseconds(250))
            .WithId(inProcess ? "ShortInProcess" : "Short");
        return inProcess ? job.WithToolchain(InProcessEmitToolchain.Instance) : job;
    }
}
