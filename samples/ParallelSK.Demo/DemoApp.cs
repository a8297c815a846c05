using System;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using ParallelSK.Demo.Rendering;

namespace ParallelSK.Demo;

/// <summary>The demo's entry point, with its console and environment passed in so tests can run it.</summary>
internal static class DemoApp
{
    public const int ExitOk = 0, ExitBadOptions = 2;

    /// <param name="args">The command line.</param>
    /// <param name="output">Where the report goes.</param>
    /// <param name="error">Where errors and the progress line go.</param>
    /// <param name="showProgress">Whether to draw a progress line (only on an interactive terminal).</param>
    /// <param name="environment">Reads an environment variable.</param>
    /// <param name="cancellationToken">Cancels the run.</param>
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, bool showProgress, Func<string, string?> environment, CancellationToken cancellationToken)
    {
        var (options, problem) = DemoOptions.Parse(args);
        if (options is null)
        {
            error.WriteLine($"error: {problem}");
            error.WriteLine("Run with --help to see the options.");
            return ExitBadOptions;
        }

        if (options.Help)
        {
            output.WriteLine(DemoOptions.Usage);
            return ExitOk;
        }

        if (options.Plan)
        {
            string? planSvg = options.SvgPath == DemoOptions.DefaultSvgPath ? Plans.PlanScenario.DefaultSvgPath : options.SvgPath;
            await Plans.PlanScenario.RunAsync(TimeSpan.FromMilliseconds(options.LatencyMs), output, planSvg, cancellationToken);
            return ExitOk;
        }

        using var model = RealModel.TryCreate(options, environment);
        output.WriteLine(model is null
            ? $"Model: scripted (local, no network). Tools: simulated latency, 1 unit = {options.LatencyMs} ms."
            : $"Model: {options.Model ?? environment("ANTHROPIC_MODEL") ?? RealModel.DefaultModel} via the Anthropic SDK ({RealModel.KeyVariable} is set). Answers of a real model vary between runs.");
        output.WriteLine($"User: {Model.ShopScript.UserPrompt}");

        var runs = new List<StrategyRun>();
        foreach (var strategy in options.Strategies)
        {
            Action<string>? progress = showProgress ? status => error.Write($"\r[{strategy.Label()}] {status}...".PadRight(60)) : null;
            var run = await ShopScenario.RunAsync(strategy, TimeSpan.FromMilliseconds(options.LatencyMs), model, progress, cancellationToken);
            if (showProgress)
            {
                error.Write("\r" + new string(' ', 60) + "\r");
            }

            runs.Add(run);
        }

        ConsoleReport.WriteTimelines(output, runs);
        ConsoleReport.WriteSummary(output, runs);
        if (options.SvgPath is { } svgPath)
        {
            string full = Path.GetFullPath(svgPath);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            await File.WriteAllTextAsync(full, TimelineSvg.Render(runs), cancellationToken);
            output.WriteLine();
            output.WriteLine($"SVG timelines written to {full}");
        }

        return ExitOk;
    }
}
