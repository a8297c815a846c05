using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.Agents.AI;
using Microsoft.Extensions.AI;
using SemanticKernel.ParallelInvocation;

namespace ParallelSK.AgentSample;

/// <summary>What one run of the sample showed.</summary>
public sealed record TripRun(string Answer, IReadOnlyList<BatchReport> Batches, IReadOnlyList<string> MiddlewareSaw, IChatClient ToolLoop, IReadOnlyDictionary<string, string> Trips);

/// <summary>
/// A <see cref="ChatClientAgent"/> built on a pipeline with <c>UseParallelFunctionInvocation()</c>. The agent finds ParallelSK's client when
/// it looks for a <see cref="FunctionInvokingChatClient"/>, so it adds no tool loop of its own, and its function middleware sees every call.
/// </summary>
public static class TripAgent
{
    public static async Task<TripRun> RunAsync(TextWriter output, TimeSpan? latency = null)
    {
        var tools = new TripTools(latency ?? TimeSpan.FromMilliseconds(120));
        var batches = new ConcurrentQueue<BatchReport>();

        // ParallelSK in place of UseFunctionInvocation(): it plans each batch from the tools' attributes.
        IChatClient chatClient = new ScriptedModel().AsBuilder()
            .UseParallelFunctionInvocation(o => o.OnBatchCompleted = batches.Enqueue)
            .Build();

        AIAgent agent = new ChatClientAgent(chatClient, new ChatClientAgentOptions
        {
            Name = "trip-planner",
            ChatOptions = new ChatOptions
            {
                Instructions = "Plan the trip with the tools.",
                Tools = [AIFunctionFactory.Create(tools.GetForecast), AIFunctionFactory.Create(tools.BookHotel), AIFunctionFactory.Create(tools.AddNote)],
            },
        });

        // Agent Framework's function middleware, as with its default tool loop: it sees each call's FunctionInvocationContext.
        var saw = new ConcurrentQueue<string>();
        agent = agent.AsBuilder().Use(async (innerAgent, context, next, cancellationToken) =>
        {
            saw.Enqueue($"{context.CallContent.CallId} {context.Function.Name} ({context.FunctionCallIndex + 1} of {context.FunctionCount})");
            return await next(context, cancellationToken);
        }).Build();

        var response = await agent.RunAsync("Where in Portugal should I go this weekend? Book it.");

        var toolLoop = agent.GetService<FunctionInvokingChatClient>()!;
        output.WriteLine($"Tool loop: {toolLoop.GetType().Name} (the agent added none of its own)");
        output.WriteLine($"Agent: {response.Text}");
        output.WriteLine();
        output.WriteLine("Agent function middleware saw:");
        foreach (string call in saw.OrderBy(s => s, StringComparer.Ordinal))
        {
            output.WriteLine("  " + call);
        }

        foreach (var (batch, i) in batches.Select((b, i) => (b, i)))
        {
            output.WriteLine();
            output.WriteLine($"Batch {i + 1}: {batch.Calls.Count} calls, {batch.OrderingConstraints} ordering constraint(s)");
            output.WriteLine(batch.ToTimeline());
        }

        return new TripRun(response.Text, [.. batches], [.. saw], toolLoop, tools.Trips);
    }
}
