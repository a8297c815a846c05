using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Exporters;
using BenchmarkDotNet.Jobs;
using Perfolizer.Horology;

namespace ParallelSK.Benchmarks.Common;

/// <summary>One BenchmarkDotNet configuration: short enough to finish in a few minutes on 2 cores, per-call columns, GitHub markdown.</summary>
public static class BenchConfig
{
    public static IConfig Create() => DefaultConfig.Instance
        .AddJob(Job.Default
            .WithLaunchCount(1)
            .WithWarmupCount(3)
            .WithIterationCount(8)
            .WithIterationTime(TimeInterval.FromMilliseconds(250))
            .WithId("Short"))
        .AddDiagnoser(MemoryDiagnoser.Default)
        .AddColumn(new PerCallColumn(memory: false), new PerCallColumn(memory: true))
        .AddExporter(MarkdownExporter.GitHub)
        .HideColumns(Column.Error, Column.StdDev, Column.Gen0, Column.Gen1, Column.Gen2);
}
