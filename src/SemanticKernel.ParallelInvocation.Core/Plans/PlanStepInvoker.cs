using System;
using System.Buffers;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;

namespace SemanticKernel.ParallelInvocation.Plans;

/// <summary>How a host calls a function: <see cref="AIFunction.InvokeAsync"/> by default; an adapter may route calls through its own pipeline.</summary>
internal delegate ValueTask<object?> FunctionInvoker(AIFunction function, AIFunctionArguments arguments, CancellationToken cancellationToken);

/// <summary>Turns a validated plan into engine calls: one per step, at consecutive positions of a batch, each filling in its references when it starts.</summary>
/// <param name="run">The plan's state.</param>
/// <param name="executor">The executor that runs the batch; fan-outs run their calls through it as nested batches.</param>
/// <param name="options">The plan tool's limits.</param>
/// <param name="invoker">How to call a function, or <see langword="null"/> for <see cref="AIFunction.InvokeAsync"/>.</param>
internal sealed class PlanStepInvoker(PlanRun run, ParallelToolExecutor executor, PlanToolOptions options, FunctionInvoker? invoker)
{
    /// <summary>The id of a step's call: the plan call's id and the step number, e.g. <c>call_7#2</c>.</summary>
    public static string StepId(string callId, int step) => $"{callId}#{step}";

    /// <summary>Builds the calls for the plan's steps, the first at batch index <paramref name="offset"/>.</summary>
    public ToolCallRequest[] Requests(int offset, IServiceProvider? services, object? state)
    {
        var requests = new ToolCallRequest[run.Steps.Count];
        foreach (var step in run.Steps)
        {
            bool nested = step.ForEach is not null || (step.HasReferences && RequiresApproval(step));
            requests[step.Number - 1] = new ToolCallRequest(StepId(run.CallId, step.Number), step.FunctionName, PlanRun.LiteralArguments(step), step.Function)
            {
                Services = services,
                State = state,
                DataDependencies = step.Producers.Length == 0 ? null : Array.ConvertAll(step.Producers, p => offset + p - 1),
                RunsNestedBatch = nested,

                // A nested step asks for approval call by call, with the arguments filled in; never for the step as a whole.
                ApprovedByCaller = nested ? true : null,
                Invoker = nested ? (request, token) => RunNestedAsync(step, request, token) : (request, token) => RunAsync(step, request, token),
            };
        }

        return requests;
    }

    private bool RequiresApproval(PlanStep step)
    {
        try
        {
            return executor.Resolver.Resolve(step.Function, step.FunctionName).Declaration.RequiresApproval;
        }
        catch (ParallelInvocationConfigurationException)
        {
            return false; // the batch throws it, with every other problem, before anything runs
        }
    }

    private async ValueTask<object?> RunAsync(PlanStep step, ToolCallRequest request, CancellationToken cancellationToken)
    {
        Dictionary<string, object?> arguments;
        try
        {
            arguments = run.Arguments(step, item: null);
        }
        catch (PlanInputException ex)
        {
            run.SetInputError(step.Number, ex.Message);
            throw;
        }

        object? result = await InvokeAsync(step.Function, new AIFunctionArguments(arguments) { Services = request.Services }, cancellationToken).ConfigureAwait(false);
        if (!cancellationToken.IsCancellationRequested)
        {
            run.SetOutput(step.Number, result); // an abandoned attempt (timed out) never publishes its late result
        }

        return result;
    }

    /// <summary>
    /// Runs a step whose calls are known only now (a fan-out, or a step that needs approval with its arguments filled in) as a nested
    /// batch through the same executor: each call gets its exact keys, its own limits, timeout, retries and approval.
    /// </summary>
    private async ValueTask<object?> RunNestedAsync(PlanStep step, ToolCallRequest request, CancellationToken cancellationToken)
    {
        var calls = new List<ToolCallRequest>();
        try
        {
            JsonElement?[] items = step.ForEach is null ? [null] : [.. run.Elements(step).Select(static e => (JsonElement?)e)];
            int limit = Math.Min(options.MaxFanOut, executor.Options.MaxBatchSize);
            if (items.Length > limit)
            {
                throw new PlanInputException($"\"for_each\": {step.ForEach} has {items.Length} elements, and a step may make at most {limit} calls; nothing was called. Narrow the list, or split it over several steps");
            }

            for (int k = 0; k < items.Length; k++)
            {
                var arguments = ArgumentsFor(step, items[k], k);
                calls.Add(new ToolCallRequest(step.ForEach is null ? request.CallId : $"{request.CallId}[{k}]", step.FunctionName, arguments, step.Function)
                {
                    Services = request.Services,
                    State = request.State,
                    Invoker = invoker is null ? null : (call, token) => invoker(call.Function!, new AIFunctionArguments(call.Arguments.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal)) { Services = call.Services }, token),
                });
            }
        }
        catch (PlanInputException ex)
        {
            run.SetInputError(step.Number, ex.Message);
            throw;
        }

        var report = await executor.ExecuteAsync(new ToolCallBatch(calls), cancellationToken).ConfigureAwait(false);
        run.SetCalls(step.Number, report);
        cancellationToken.ThrowIfCancellationRequested();
        int failed = report.Calls.Count(static c => c.Status != ToolCallStatus.Succeeded);
        if (failed > 0)
        {
            throw new InvalidOperationException(step.ForEach is null
                ? report.Calls[0].ErrorMessage
                : $"{failed} of the {report.Calls.Count} calls of step {step.Number} did not succeed.");
        }

        object? result = step.ForEach is null ? report.Calls[0].Result : ArrayOf(report);
        run.SetOutput(step.Number, result);
        return result;
    }

    private Dictionary<string, object?> ArgumentsFor(PlanStep step, JsonElement? item, int k)
    {
        try
        {
            return run.Arguments(step, item);
        }
        catch (PlanInputException ex) when (step.ForEach is not null)
        {
            throw new PlanInputException($"element [{k}]: {ex.Message}; nothing was called");
        }
    }

    private ValueTask<object?> InvokeAsync(AIFunction function, AIFunctionArguments arguments, CancellationToken cancellationToken) =>
        invoker is null ? function.InvokeAsync(arguments, cancellationToken) : invoker(function, arguments, cancellationToken);

    private static JsonElement ArrayOf(BatchReport report)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            foreach (var call in report.Calls)
            {
                PlanJson.ToElement(call.Result).WriteTo(writer);
            }

            writer.WriteEndArray();
        }

        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        return document.RootElement.Clone();
    }
}
