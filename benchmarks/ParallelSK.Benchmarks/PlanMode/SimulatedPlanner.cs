using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;
using SemanticKernel.ParallelInvocation;
using SemanticKernel.ParallelInvocation.Plans;

namespace ParallelSK.Benchmarks.PlanMode;

/// <summary>How the scripted model uses its tools.</summary>
internal enum PlanStyle
{
    /// <summary>One call per turn, each after reading the previous result (ReAct).</summary>
    ReAct,

    /// <summary>Every call whose inputs it knows, as one parallel batch per turn (parallel function calling).</summary>
    FlatBatches,

    /// <summary>The whole task as one plan call, then the answer (LLMCompiler's planner and joiner).</summary>
    Plan,
}

/// <summary>
/// A scripted model that solves a <see cref="PlanWorkload"/> in one <see cref="PlanStyle"/>. Each request waits the simulated model
/// latency; the model reads only what the messages tell it (the tool results it was sent) and derives each next call's arguments
/// from them. It counts its requests and estimates the input tokens of each (the whole conversation and the tool definitions,
/// about four characters a token).
/// </summary>
internal sealed class SimulatedPlanner : IChatClient
{
    private readonly PlanWorkload _workload;
    private readonly PlanStyle _style;
    private readonly TimeSpan _latency;
    private readonly List<PlanStep> _steps;

    public SimulatedPlanner(PlanWorkload workload, PlanStyle style, TimeSpan latency, IReadOnlyDictionary<string, AIFunction> tools)
    {
        _workload = workload;
        _style = style;
        _latency = latency;
        var arguments = new Dictionary<string, object?> { ["steps"] = JsonDocument.Parse(workload.StepsJson).RootElement.Clone() };
        _steps = PlanCompiler.Compile(arguments, n => tools.GetValueOrDefault(n), tools.Keys, new PlanToolOptions(), int.MaxValue, out string? rejection)
            ?? throw new InvalidOperationException($"{workload.Name}: {rejection}");
    }

    public int Requests { get; private set; }

    public long InputTokens { get; private set; }

    /// <summary>Gets the final answer: the last step's result as the model read it.</summary>
    public JsonElement? Answer { get; private set; }

    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var history = messages.ToList();
        Requests++;
        InputTokens += EstimateTokens(history, options);
        await Task.Delay(_latency, cancellationToken).ConfigureAwait(false);
        return new ChatResponse(Next(history)) { Usage = new UsageDetails { InputTokenCount = EstimateTokens(history, options) } };
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        foreach (var update in (await GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false)).ToChatResponseUpdates())
        {
            yield return update;
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => null;

    public void Dispose()
    {
    }

    private ChatMessage Next(List<ChatMessage> history)
    {
        var results = history.SelectMany(m => m.Contents).OfType<FunctionResultContent>().ToDictionary(r => r.CallId, r => PlanJson.ToElement(r.Result), StringComparer.Ordinal);
        if (_style == PlanStyle.Plan)
        {
            if (results.TryGetValue("plan", out var planResult))
            {
                var plan = JsonDocument.Parse(planResult.GetString()!).RootElement;
                Answer = plan.GetProperty("steps")[_steps.Count - 1].GetProperty("result").Clone();
                return new ChatMessage(ChatRole.Assistant, "Answer: " + Answer.Value.GetRawText());
            }

            var steps = JsonDocument.Parse(_workload.StepsJson).RootElement.Clone();
            return new ChatMessage(ChatRole.Assistant, [new FunctionCallContent("plan", PlanToolOptions.DefaultName, new Dictionary<string, object?> { ["steps"] = steps })]);
        }

        var calls = ReadyCalls(results);
        if (calls.Count == 0)
        {
            return new ChatMessage(ChatRole.Assistant, "Answer: " + Answer!.Value.GetRawText());
        }

        return new ChatMessage(ChatRole.Assistant, [.. _style == PlanStyle.ReAct ? calls.Take(1) : calls]);
    }

    /// <summary>The calls the model can make now: every step (or fan-out element) whose inputs it has read and that it has not made yet.</summary>
    private List<AIContent> ReadyCalls(Dictionary<string, JsonElement> results)
    {
        var run = new PlanRun("model", _steps);
        var done = new bool[_steps.Count + 1];
        var ready = new List<AIContent>();
        foreach (var step in _steps)
        {
            if (!step.Producers.All(p => done[p]))
            {
                continue;
            }

            if (step.ForEach is null)
            {
                string id = Id(step.Number, null);
                if (results.TryGetValue(id, out var result))
                {
                    run.SetOutput(step.Number, result);
                    done[step.Number] = true;
                }
                else
                {
                    ready.Add(new FunctionCallContent(id, step.FunctionName, run.Arguments(step, null)));
                }

                continue;
            }

            var items = run.Elements(step);
            var outputs = new List<JsonElement>();
            for (int k = 0; k < items.Length; k++)
            {
                string id = Id(step.Number, k);
                if (results.TryGetValue(id, out var result))
                {
                    outputs.Add(result);
                }
                else
                {
                    ready.Add(new FunctionCallContent(id, step.FunctionName, run.Arguments(step, items[k])));
                }
            }

            if (outputs.Count == items.Length)
            {
                run.SetOutput(step.Number, outputs);
                done[step.Number] = true;
            }
        }

        if (done[_steps.Count])
        {
            Answer = run.Output(_steps.Count);
        }

        return ready;
    }

    private static string Id(int step, int? element) => element is { } k ? string.Create(CultureInfo.InvariantCulture, $"s{step}e{k}") : string.Create(CultureInfo.InvariantCulture, $"s{step}");

    private static readonly JsonSerializerOptions Compact = new(AIJsonUtilities.DefaultOptions) { WriteIndented = false };

    /// <summary>About four characters a token, over the conversation (as compact JSON) and the tool definitions sent with it.</summary>
    private static long EstimateTokens(List<ChatMessage> history, ChatOptions? options)
    {
        long chars = JsonSerializer.Serialize(history, Compact).Length;
        foreach (var tool in options?.Tools ?? [])
        {
            chars += tool.Name.Length + tool.Description.Length + (tool is AIFunctionDeclaration f ? f.JsonSchema.GetRawText().Length : 0);
        }

        return (chars + 3) / 4;
    }
}
