using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;
using ParallelSK.Benchmarks.Common;
using SemanticKernel.ParallelInvocation;

namespace ParallelSK.Benchmarks.PlanMode;

/// <summary>
/// Plan mode against ReAct and flat parallel batches: each workload solved three ways by a scripted model through the same
/// <see cref="ParallelFunctionInvokingChatClient"/>, with a simulated model latency per request and realistic tool latencies, all
/// scaled by one time factor so the run is short. Reports model round trips, input tokens sent and wall time (in simulated seconds).
/// </summary>
internal static class PlanModeHarness
{
    private static readonly TimeSpan ModelLatency = TimeSpan.FromSeconds(1.5);

    public static async Task<int> RunAsync(string[] args)
    {
        int runs = 3;
        double scale = 0.1;
        string svgPath = "docs/benchmarks-planmode.svg";
        for (int i = 0; i < args.Length; i++)
        {
            bool ok = i + 1 < args.Length && args[i] switch
            {
                "--runs" => int.TryParse(args[++i], CultureInfo.InvariantCulture, out runs) && runs > 0,
                "--time-scale" => double.TryParse(args[++i], CultureInfo.InvariantCulture, out scale) && scale > 0 && scale <= 1,
                "--svg" => (svgPath = args[++i]).Length > 0,
                _ => false,
            };
            if (!ok)
            {
                Console.Error.WriteLine($"planmode: unknown or bad option near '{args[i]}'. Options: --runs N (N > 0), --time-scale F (0 < F <= 1), --svg PATH.");
                return 2;
            }
        }

        Console.WriteLine(MachineInfo.Describe());
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Plan mode harness: {PlanWorkloads.All.Count} workloads x 3 styles x {runs} runs (after one warm-up run each); model latency {ModelLatency.TotalSeconds} s a request; time scale {scale} (every latency multiplied by it; wall times below divided by it)."));
        var results = new List<WorkloadResult>();
        foreach (var workload in PlanWorkloads.All)
        {
            Console.Error.Write($"\r{workload.Name}...".PadRight(60));
            var byStyle = new Dictionary<PlanStyle, StyleResult>();
            foreach (var style in Enum.GetValues<PlanStyle>())
            {
                byStyle[style] = await MeasureAsync(workload, style, runs, scale);
            }

            results.Add(new WorkloadResult(workload, byStyle));
        }

        Console.Error.WriteLine();
        Console.WriteLine(Table(results));
        string full = Path.GetFullPath(svgPath);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        await File.WriteAllTextAsync(full, PlanModeChart.Render(results));
        Console.WriteLine($"Chart written to {full}");
        return results.All(r => r.AnswersAgree) ? 0 : 1;
    }

    private static async Task<StyleResult> MeasureAsync(PlanWorkload workload, PlanStyle style, int runs, double scale)
    {
        var result = new StyleResult();
        for (int run = -1; run < runs; run++)
        {
            var tools = workload.Tools.ToDictionary(
                t => t.Name,
                t => (AIFunction)new LatencyFunction(AIFunctionFactory.Create(t.Body, t.Name), TimeSpan.FromMilliseconds(t.Ms * scale)),
                StringComparer.Ordinal);
            var model = new SimulatedPlanner(workload, style, ModelLatency * scale, tools);
            using var client = model.AsParallelFunctionInvoking(o =>
            {
                o.MaxBatchSize = 1_000;
                foreach (var t in workload.Tools)
                {
                    o.Declare(t.Name, t.Effects);
                }
            });
            client.MaximumIterationsPerRequest = 100;
            List<AITool> offered = [.. tools.Values];
            if (style == PlanStyle.Plan)
            {
                offered.Add(ParallelPlanTool.Create());
            }

            long start = Stopwatch.GetTimestamp();
            await client.GetResponseAsync([new ChatMessage(ChatRole.User, workload.Question)], new ChatOptions { Tools = offered });
            double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds / scale;
            if (run < 0)
            {
                continue; // warm-up
            }

            result.WallSeconds.Add(seconds);
            result.Requests = model.Requests;
            result.InputTokens = model.InputTokens;
            result.Answer = model.Answer;
        }

        return result;
    }

    private static string Table(IReadOnlyList<WorkloadResult> results)
    {
        var sb = new StringBuilder();
        sb.AppendLine("| workload | calls | round trips: ReAct / flat / plan | input tokens: ReAct / flat / plan | wall time: ReAct / flat / plan | plan vs ReAct | plan vs flat | answers agree |");
        sb.AppendLine("|---|---:|---:|---:|---:|---:|---:|:---:|");
        foreach (var r in results)
        {
            var (react, flat, plan) = (r.ByStyle[PlanStyle.ReAct], r.ByStyle[PlanStyle.FlatBatches], r.ByStyle[PlanStyle.Plan]);
            sb.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"| {r.Workload.Name} | {r.Workload.Calls} | {react.Requests} / {flat.Requests} / {plan.Requests} | {react.InputTokens:N0} / {flat.InputTokens:N0} / {plan.InputTokens:N0} | {react.Median:0.0} s / {flat.Median:0.0} s / {plan.Median:0.0} s | {react.Median / plan.Median:0.00}x | {flat.Median / plan.Median:0.00}x | {(r.AnswersAgree ? "yes" : "NO")} |"));
        }

        sb.AppendLine();
        sb.AppendLine("Round trips: model requests for the task. Input tokens: summed over those requests (the conversation and the tool definitions each one sends, about four characters a token). Wall time: median over the runs, in simulated seconds. Answers agree: the final answer each style's model read from its tool results is the same JSON.");
        return sb.ToString();
    }

    internal sealed class StyleResult
    {
        public List<double> WallSeconds { get; } = [];

        public int Requests { get; set; }

        public long InputTokens { get; set; }

        public JsonElement? Answer { get; set; }

        public double Median => WallSeconds.Order().ElementAt(WallSeconds.Count / 2);
    }

    internal sealed record WorkloadResult(PlanWorkload Workload, IReadOnlyDictionary<PlanStyle, StyleResult> ByStyle)
    {
        public bool AnswersAgree => ByStyle.Values.All(s => s.Answer is { } a && ByStyle[PlanStyle.ReAct].Answer is { } b && JsonElement.DeepEquals(a, b));
    }
}
