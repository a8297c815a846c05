using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;

namespace SemanticKernel.ParallelInvocation.Plans;

/// <summary>
/// The plan tool. <see cref="ParallelFunctionInvokingChatClient"/> never invokes it: it expands a call to it into the plan's steps,
/// planned with the rest of the turn. Invoked directly, a bound plan tool runs its steps as a nested batch through its executor.
/// </summary>
internal sealed class PlanToolFunction : AIFunction
{
    private readonly IReadOnlyDictionary<string, AIFunction>? _functions;
    private readonly ParallelToolExecutor? _executor;
    private readonly FunctionInvoker? _invoker;

    public PlanToolFunction(PlanToolOptions options, IReadOnlyDictionary<string, AIFunction>? functions = null, ParallelToolExecutor? executor = null, FunctionInvoker? invoker = null)
    {
        Options = options;
        _functions = functions;
        _executor = executor;
        _invoker = invoker;
    }

    public PlanToolOptions Options { get; }

    /// <summary>Gets the functions a bound plan tool's steps call, or <see langword="null"/> for the tools of the turn.</summary>
    public IReadOnlyDictionary<string, AIFunction>? Functions => _functions;

    public override string Name => Options.Name;

    public override string Description => Options.Description ?? PlanToolText.Description;

    public override JsonElement JsonSchema => PlanToolText.Schema;

    protected override async ValueTask<object?> InvokeCoreAsync(AIFunctionArguments arguments, CancellationToken cancellationToken)
    {
        if (_functions is null || _executor is null)
        {
            throw new InvalidOperationException(
                $"The plan tool '{Name}' runs inside {nameof(ParallelFunctionInvokingChatClient)}, which expands its steps into the turn's batch. To invoke it elsewhere, create it with {nameof(ParallelPlanTool)}.{nameof(ParallelPlanTool.Create)}(functions, executor).");
        }

        return await RunAsync(arguments, _functions, _executor, _invoker, arguments.Services, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Compiles the plan and runs its steps as one batch through <paramref name="executor"/>; returns the plan's one result.</summary>
    internal async Task<string> RunAsync(IReadOnlyDictionary<string, object?> arguments, IReadOnlyDictionary<string, AIFunction> functions, ParallelToolExecutor executor, FunctionInvoker? invoker, IServiceProvider? services, CancellationToken cancellationToken)
    {
        var steps = PlanCompiler.Compile(arguments, name => functions.GetValueOrDefault(name), functions.Keys, Options, executor.Options.MaxBatchSize, out string? rejection);
        if (steps is null)
        {
            return rejection!;
        }

        var run = new PlanRun("plan", steps);
        var requests = new PlanStepInvoker(run, executor, Options, invoker).Requests(0, services, state: null);
        var report = await executor.ExecuteAsync(new ToolCallBatch(requests), cancellationToken).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        return PlanResultWriter.Write(run, report.Calls, static _ => "another call", 0, Options.MaxResultLength);
    }

    internal static IReadOnlyDictionary<string, AIFunction> Index(IEnumerable<AIFunction> functions)
    {
        var byName = new Dictionary<string, AIFunction>(StringComparer.Ordinal);
        foreach (var function in functions)
        {
            ArgumentNullException.ThrowIfNull(function, nameof(functions));
            byName.TryAdd(function.Name, function);
        }

        return byName;
    }
}
