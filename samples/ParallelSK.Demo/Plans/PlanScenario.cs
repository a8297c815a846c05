using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;
using SemanticKernel.ParallelInvocation;

namespace ParallelSK.Demo.Plans;

/// <summary>
/// Plan mode: the model submits the whole task as one plan (a lookup, a fan-out over its results, a sum, a conversion, a loyalty update
/// that must follow a read of the same balance, and a message that needs both), the engine runs it by data and conflict edges, and the
/// model answers from the one result: two model round trips.
/// </summary>
internal static partial class PlanScenario
{
    public const string DefaultSvgPath = "artifacts/demo/plan.svg";

    public const string UserPrompt = "Ada (customer c-42): what did my orders cost in EUR? Credit my loyalty points for them and email me the summary.";

    public const string Steps = """
        [{"function":"list_orders","arguments":{"customerId":"c-42"}},
         {"function":"get_order_total","for_each":"$1","arguments":{"orderId":"$item"}},
         {"function":"get_exchange_rate","arguments":{"currency":"EUR"}},
         {"function":"sum","arguments":{"values":"$2"}},
         {"function":"convert","arguments":{"amount":"$4","rate":"$3"}},
         {"function":"get_points","arguments":{"customerId":"c-42"}},
         {"function":"add_points","arguments":{"customerId":"c-42","amount":"$4"}},
         {"function":"send_message","arguments":{"customerId":"c-42","text":"Your orders cost $5 EUR; you had $6 points and now have $7."}}]
        """;

    /// <summary>Runs the scenario and writes its timeline; returns the run.</summary>
    public static async Task<PlanRunView> RunAsync(TimeSpan latencyUnit, TextWriter output, string? svgPath, CancellationToken cancellationToken)
    {
        // A first run without latency loads and compiles the code paths, so the timeline shows the plan rather than start-up costs.
        await RunOnceAsync(TimeSpan.Zero, cancellationToken);
        var view = await RunOnceAsync(latencyUnit, cancellationToken);
        output.WriteLine($"Model: scripted (local, no network). Tools: simulated latency, 1 unit = {latencyUnit.TotalMilliseconds:0} ms.");
        output.WriteLine($"User: {UserPrompt}");
        output.WriteLine();
        output.WriteLine("The model answers with one call of run_plan:");
        foreach (string line in Steps.Split('\n'))
        {
            output.WriteLine("  " + line.Trim());
        }

        output.WriteLine();
        PlanTimeline.Write(output, view);
        if (svgPath is not null)
        {
            string full = Path.GetFullPath(svgPath);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            await File.WriteAllTextAsync(full, PlanTimeline.Svg(view), cancellationToken);
            output.WriteLine();
            output.WriteLine($"SVG timeline written to {full}");
        }

        return view;
    }

    private static async Task<PlanRunView> RunOnceAsync(TimeSpan latencyUnit, CancellationToken cancellationToken)
    {
        var tools = new LoyaltyTools(latencyUnit);
        var reports = new List<BatchReport>();
        var options = new ParallelInvocationOptions { OnBatchCompleted = r => { lock (reports) { reports.Add(r); } } };
        var model = new Model.ScriptedChatClient([_ => PlanCall(), Answer]);
        int requests = 0;
        using var client = new ParallelFunctionInvokingChatClient(new Model.ProgressChatClient(model, s => requests += s.EndsWith("asking the model", StringComparison.Ordinal) ? 1 : 0), options);
        List<AITool> offered = [.. tools.All(), ParallelPlanTool.Create()];
        var response = await client.GetResponseAsync([new(ChatRole.User, UserPrompt)], new ChatOptions { Tools = offered }, cancellationToken);

        return PlanRunView.From(Steps, reports, requests, response.Text, tools.Outbox);
    }

    private static ChatMessage PlanCall() => new(ChatRole.Assistant,
        [new FunctionCallContent("plan-1", PlanToolOptions.DefaultName, new Dictionary<string, object?> { ["steps"] = JsonDocument.Parse(Steps).RootElement.Clone() })]);

    /// <summary>The joiner: the model reads the plan's one result and answers from it.</summary>
    private static ChatMessage Answer(IReadOnlyList<ChatMessage> history)
    {
        var plan = JsonDocument.Parse(Model.ShopScript.ResultOf(history, "plan-1")).RootElement;
        JsonElement Result(int step) => plan.GetProperty("steps")[step - 1].GetProperty("result");
        return new(ChatRole.Assistant, $"Your {Result(1).GetArrayLength()} orders cost {Result(5)} EUR ({Result(4)} USD); your points went from {Result(6)} to {Result(7)}, and the summary is in your inbox.");
    }

    /// <summary>The steps each step references (<c>$N</c> in its JSON): its data edges.</summary>
    public static int[][] DataEdges(string steps) =>
        [.. JsonDocument.Parse(steps).RootElement.EnumerateArray().Select(s => References().Matches(s.GetRawText()).Select(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).Distinct().Order().ToArray())];

    [GeneratedRegex(@"\$(\d+)")]
    private static partial Regex References();
}
