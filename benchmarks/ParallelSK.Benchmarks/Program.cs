using System;
using System.Linq;
using BenchmarkDotNet.Running;
using ParallelSK.Benchmarks.ChatClient;
using ParallelSK.Benchmarks.Common;
using ParallelSK.Benchmarks.Comparison;
using ParallelSK.Benchmarks.RateLimit;
using ParallelSK.Benchmarks.Conversations;
using ParallelSK.Benchmarks.Makespan;
using ParallelSK.Benchmarks.Overhead;
using ParallelSK.Benchmarks.Planning;
using ParallelSK.Benchmarks.PlanMode;

const string Usage = """
    Usage: dotnet run -c Release --project benchmarks/ParallelSK.Benchmarks -- <benchmark> [options]

      comparison      BenchmarkDotNet: one batch of N zero-latency calls: Task.WhenAll floor, FunctionInvokingChatClient (concurrent,
                        serial), ParallelSK's client (ReadOnly, writes on distinct keys) and the engine alone
                        [--svg PATH (default docs/benchmarks-overhead.svg)]
      overhead        BenchmarkDotNet: one batch of N zero-latency tools, engine vs Task.WhenAll vs a sequential loop
      planning        BenchmarkDotNet: planning batches of 10 to 10,000 calls with a realistic key mix
      makespan        harness: 8 workload shapes with simulated latencies, sequential vs naive vs engine
                        [--runs N (default 5)] [--svg PATH (default docs/benchmarks-makespan.svg)]
      conversations   harness: 10,000 batches in flight at once [--batches N] [--latency-ms N]
      callcontext     BenchmarkDotNet: the chat-client middleware's per-call start (FunctionInvocationContext, CurrentContext)
      chatclient      BenchmarkDotNet: one request with a batch of N calls, FunctionInvokingChatClient (concurrent) vs ParallelSK's client
      planmode        harness: plan mode vs ReAct vs flat parallel batches on LLMCompiler-shaped tasks, simulated model latency
                        [--runs N (default 3)] [--time-scale F (default 0.1)] [--svg PATH (default docs/benchmarks-planmode.svg)]

      rate-limit      harness: many conversations sharing a token-bucket group; permits granted per second against the rate
                        [--conversations N (default 200)] [--rate N per second (default 50)] [--seconds N (default 6)]

    Options after the benchmark name go to BenchmarkDotNet for the BenchmarkDotNet ones (e.g. --filter *Engine*); --in-process runs
    them in this process instead of a generated project (quicker to start on a loaded machine).
    """;

string command = args.FirstOrDefault() ?? string.Empty;
bool inProcess = args.Contains("--in-process");
string[] rest = args.Skip(1).Where(a => a != "--in-process").ToArray();
switch (command)
{
    case "comparison":
    {
        // --svg PATH (default docs/benchmarks-overhead.svg): the run's chart; the other options go to BenchmarkDotNet.
        int svgAt = Array.IndexOf(rest, "--svg");
        string svg = svgAt >= 0 && svgAt + 1 < rest.Length ? rest[svgAt + 1] : "docs/benchmarks-overhead.svg";
        var summary = BenchmarkRunner.Run<ComparisonBenchmarks>(BenchConfig.Create(inProcess), svgAt >= 0 ? [.. rest[..svgAt], .. rest[Math.Min(rest.Length, svgAt + 2)..]] : rest);
        if (ComparisonChart.Write(summary, svg) is { } written)
        {
            Console.WriteLine($"chart: {written}");
        }

        return 0;
    }
    case "overhead":
        BenchmarkRunner.Run<OverheadBenchmarks>(BenchConfig.Create(inProcess), rest);
        return 0;
    case "planning":
        BenchmarkRunner.Run<PlanningBenchmarks>(BenchConfig.Create(inProcess), rest);
        return 0;
    case "callcontext":
        BenchmarkRunner.Run<CallContextBenchmarks>(BenchConfig.Create(), rest);
        return 0;
    case "chatclient":
        BenchmarkRunner.Run<ChatClientRequestBenchmarks>(BenchConfig.Create(), rest);
        return 0;
    case "rate-limit":
        return await RateLimitHarness.RunAsync(rest);
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
