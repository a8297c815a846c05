using System;
using System.Linq;
using BenchmarkDotNet.Running;
using ParallelSK.Benchmarks.Common;
using ParallelSK.Benchmarks.SemanticKernel;

const string Usage = """
    Usage: dotnet run -c Release --project benchmarks/ParallelSK.Benchmarks.SemanticKernel -- <benchmark> [options]

      sk              BenchmarkDotNet: one whole request through Semantic Kernel's OpenAI connector against an in-process endpoint
                        (N tool calls, then a final text): Semantic Kernel alone with AllowConcurrentInvocation vs Semantic Kernel
                        with ParallelSK as README configures it

    Options after the benchmark name go to BenchmarkDotNet (e.g. --filter *N=4*); --in-process runs them in this process instead of
    a generated project (quicker to start on a loaded machine).
    """;

string command = args.FirstOrDefault() ?? string.Empty;
bool inProcess = args.Contains("--in-process");
string[] rest = args.Skip(1).Where(a => a != "--in-process").ToArray();
switch (command)
{
    case "sk":
        BenchmarkRunner.Run<SemanticKernelBenchmarks>(BenchConfig.Create(inProcess), rest);
        return 0;
    default:
        Console.Error.WriteLine(command.Length == 0 ? "Name a benchmark." : $"Unknown benchmark '{command}'.");
        Console.Error.WriteLine(Usage);
        return 2;
}
