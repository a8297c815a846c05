using System;
using System.Linq;
using BenchmarkDotNet.Running;
using ParallelSK.Benchmarks.Common;
using ParallelSK.Benchmarks.Conversations;
using ParallelSK.Benchmarks.Makespan;
using ParallelSK.Benchmarks.Overhead;
using ParallelSK.Benchmarks.Planning;
using ParallelSK.Benchmarks.PlanMode;

const string Usage = """
    Usage: dotnet run -c Release --project benchmarks/ParallelSK.Benchmarks -- <benchmark> [options]

      overhead        BenchmarkDotNet: one batch of N zero-latency tools, engine vs Task.WhenAll vs a sequential loop
      planning        BenchmarkDotNet: planning batches of 10 to 10,000 calls with a realistic key mix
      makespan        harness: 8 workload shapes with simulated latencies, sequential vs naive vs engine
                        [--runs N (default 5)] [--svg PATH (default docs/benchmarks-makespan.svg)]
      conversations   harness: 10,000 batches in flight at once [--batches N] [--latency-ms N]
      planmode        harness: plan mode vs ReAct vs flat parallel batches on LLMCompiler-shaped tasks, simulated model latency
                        [--runs N (default 3)] [--time-scale F (default 0.1)] [--svg PATH (default docs/benchmarks-planmode.svg)]

    Options after the benchmark name go to BenchmarkDotNet for the first two (e.g. --filter *Engine*).
    """;

string command = args.FirstOrDefault() ?? string.Empty;
string[] rest = args.Skip(1).ToArray();
switch (command)
{
    case "overhead":
        BenchmarkRunner.Run<OverheadBenchmarks>(BenchConfig.Create(), rest);
        return 0;
    case "planning":
        BenchmarkRunner.Run<PlanningBenchmarks>(BenchConfig.Create(), rest);
        return 0;
    case "makespan":
        return await MakespanHarness.RunAsync(rest);
    case "conversations":
        return await ConversationsHarness.RunAsync(rest);
    case "planmode":
        return await PlanModeHarness.RunAsync(rest);
    default:
        Console.Error.WriteLine(command.Length == 0 ? "Name a benchmark." : $"Unknown benchmark '{command}'.");
        Console.Error.WriteLine(Usage);
        return 2;
}
