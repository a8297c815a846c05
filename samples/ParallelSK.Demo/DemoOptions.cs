using System;
using System.Collections.Generic;
using System.Globalization;

namespace ParallelSK.Demo;

/// <summary>The demo's command line.</summary>
internal sealed record DemoOptions
{
    public const string DefaultSvgPath = "artifacts/demo/timelines.svg";

    public const string Usage = """
        Usage: dotnet run --project samples/ParallelSK.Demo -- [options]

        Runs one shop conversation three ways (sequential, naive concurrent, ParallelSK) and shows each run's tool
        timeline, makespan, speedup and final answer. Uses a scripted local model unless ANTHROPIC_API_KEY is set.

        Options:
          --strategy NAME    all | sequential | naive | parallelsk   (default: all)
          --latency-ms N     one latency unit in milliseconds, 1 to 5000; each tool takes 1 to 3 units (default: 100)
          --svg PATH         where to write the SVG timelines (default: artifacts/demo/timelines.svg)
          --no-svg           do not write the SVG
          --scripted         use the scripted model even when ANTHROPIC_API_KEY is set
          --model ID         the Anthropic model for a real run (default: ANTHROPIC_MODEL or claude-sonnet-4-5)
          --plan             plan mode instead: the model submits one plan (data references, a fan-out) and answers
                             from its one result; shows the plan's timeline with its data and conflict edges
                             (scripted model; SVG to artifacts/demo/plan.svg unless --svg or --no-svg)
          -h, --help         show this help
        """;

    public IReadOnlyList<Strategy> Strategies { get; init; } = [Strategy.Sequential, Strategy.Naive, Strategy.ParallelSK];

    public int LatencyMs { get; init; } = 100;

    public string? SvgPath { get; init; } = DefaultSvgPath;

    public bool ForceScripted { get; init; }

    public string? Model { get; init; }

    public bool Help { get; init; }

    public bool Plan { get; init; }

    /// <summary>Parses the arguments; on a bad argument returns null and a message saying what is wrong.</summary>
    public static (DemoOptions? Options, string? Error) Parse(IReadOnlyList<string> args)
    {
        var options = new DemoOptions();
        for (int i = 0; i < args.Count; i++)
        {
            string arg = args[i];
            string? Value() => i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal) ? args[++i] : null;
            switch (arg)
            {
                case "-h" or "--help":
                    options = options with { Help = true };
                    break;
                case "--strategy":
                    var strategies = ParseStrategy(Value());
                    if (strategies is null)
                    {
                        return (null, "--strategy needs one of: all, sequential, naive, parallelsk.");
                    }

                    options = options with { Strategies = strategies };
                    break;
                case "--latency-ms":
                    if (!int.TryParse(Value(), NumberStyles.None, CultureInfo.InvariantCulture, out int ms) || ms is < 1 or > 5000)
                    {
                        return (null, "--latency-ms needs a whole number of milliseconds from 1 to 5000.");
                    }

                    options = options with { LatencyMs = ms };
                    break;
                case "--svg":
                    string? path = Value();
                    if (string.IsNullOrWhiteSpace(path))
                    {
                        return (null, "--svg needs a file path, e.g. --svg timelines.svg (or use --no-svg).");
                    }

                    options = options with { SvgPath = path };
                    break;
                case "--no-svg":
                    options = options with { SvgPath = null };
                    break;
                case "--plan":
                    options = options with { Plan = true };
                    break;
                case "--scripted":
                    options = options with { ForceScripted = true };
                    break;
                case "--model":
                    string? model = Value();
                    if (string.IsNullOrWhiteSpace(model))
                    {
                        return (null, "--model needs a model id, e.g. --model claude-sonnet-4-5.");
                    }

                    options = options with { Model = model };
                    break;
                default:
                    return (null, $"unknown option '{arg}'.");
            }
        }

        return (options, null);
    }

    private static Strategy[]? ParseStrategy(string? value) => value?.ToUpperInvariant() switch
    {
        "ALL" => [Strategy.Sequential, Strategy.Naive, Strategy.ParallelSK],
        "SEQUENTIAL" => [Strategy.Sequential],
        "NAIVE" => [Strategy.Naive],
        "PARALLELSK" => [Strategy.ParallelSK],
        _ => null,
    };
}
