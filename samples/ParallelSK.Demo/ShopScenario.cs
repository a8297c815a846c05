using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;
using ParallelSK.Demo.Model;
using ParallelSK.Demo.Shop;
using SemanticKernel.ParallelInvocation;

namespace ParallelSK.Demo;

/// <summary>What one strategy's run of the conversation produced.</summary>
internal sealed record StrategyRun(Strategy Strategy, string FinalAnswer, IReadOnlyList<BatchReport> Batches, IReadOnlyList<string> FinalState)
{
    /// <summary>Gets the time spent running tools: the sum of the batches' makespans (the model's own time is not counted).</summary>
    public TimeSpan ToolTime
    {
        get
        {
            var total = TimeSpan.Zero;
            foreach (var batch in Batches)
            {
                total += batch.Makespan;
            }

            return total;
        }
    }
}

/// <summary>Runs the shop conversation with one strategy, on a fresh store.</summary>
internal static class ShopScenario
{
    public const string SystemPrompt =
        "You are a shop assistant. Use the tools. Call every tool you need for a step in the same turn, in the order they should take effect.";

    /// <param name="strategy">How each batch of tool calls runs.</param>
    /// <param name="latencyUnit">One latency unit of the simulated tools.</param>
    /// <param name="model">The model, or null for the scripted one.</param>
    /// <param name="progress">Receives a short status line as the run goes, or null.</param>
    /// <param name="cancellationToken">Cancels the run.</param>
    public static async Task<StrategyRun> RunAsync(Strategy strategy, TimeSpan latencyUnit, IChatClient? model, Action<string>? progress, CancellationToken cancellationToken)
    {
        var store = new ShopStore();
        var tools = new ShopTools(store, latencyUnit).All();
        var batches = new List<BatchReport>();
        var options = StrategyOptions.For(strategy, tools, report =>
        {
            lock (batches)
            {
                batches.Add(report);
            }
        });
        List<ChatMessage> messages = [new(ChatRole.System, SystemPrompt), new(ChatRole.User, ShopScript.UserPrompt)];
        using var scripted = new ScriptedChatClient(ShopScript.Turns);
        var response = await ToolLoop.RunAsync(model ?? scripted, messages, tools, options, progress, cancellationToken);
        return new StrategyRun(strategy, response.Text, batches, store.Snapshot());
    }
}
