using System;
using System.Collections.Generic;
using System.Linq;
using SemanticKernel.ParallelInvocation.Effects;
using SemanticKernel.ParallelInvocation.Planning;

namespace SemanticKernel.ParallelInvocation.Execution;

// Classification: what cannot run is rejected before planning; the rest is resolved and bound to keys. See BatchRun.cs for the whole.
internal sealed partial class BatchRun
{
    /// <summary>Rejects what cannot run, resolves and binds the rest; rejected calls take no part in the plan.</summary>
    private PlanInput[] Classify()
    {
        var inputs = new PlanInput[_outcomes.Length];
        var firstById = new Dictionary<string, int>(StringComparer.Ordinal);
        var normalizer = _executor.Resolver.Normalizer;
        List<string>? configurationErrors = null;
        for (int i = 0; i < _outcomes.Length; i++)
        {
            var outcome = _outcomes[i];
            var request = outcome.Request;
            inputs[i] = PlanInput.None;
            if (i >= _options.MaxBatchSize)
            {
                outcome.ErrorMessage = $"Error: this turn asked for {_outcomes.Length} calls; at most {_options.MaxBatchSize} are run per turn. Call #{i} ('{request.Name}') did not run; repeat it in a later turn if it is still needed.";
                continue;
            }

            if (request.CallId.Length == 0 && _batch.RequireCallIds)
            {
                outcome.ErrorMessage = $"Error: call #{i} ('{request.Name}') has no call id, so its result could not be matched to it; it did not run. Give every call its own id.";
                continue;
            }

            if (request.CallId.Length > 0 && !firstById.TryAdd(request.CallId, i))
            {
                outcome.ErrorMessage = $"Error: call id '{request.CallId}' was already used by call #{firstById[request.CallId]} in this turn; this call did not run. Give every call its own id.";
                continue;
            }

            if (request.Function is null)
            {
                outcome.ErrorMessage = $"Error: there is no function named '{request.Name}'. Call only the functions you were given.";
                continue;
            }

            if (request.ArgumentsError is { } argumentsError)
            {
                outcome.Exception = argumentsError;
                outcome.ErrorMessage = $"Error: the arguments for '{request.Name}' could not be parsed{Detail(argumentsError)}. Send a JSON object that matches the function's parameters.";
                continue;
            }

            ResolvedEffects effects;
            try
            {
                effects = _executor.Resolver.Resolve(request.Function, request.Name);
            }
            catch (ParallelInvocationConfigurationException ex)
            {
                (configurationErrors ??= []).AddRange(ex.Errors);
                continue;
            }

            try
            {
                var (reads, writes) = effects.Bind(request.Arguments, normalizer);
                inputs[i] = new PlanInput(reads, writes, request.DataDependencies);
                outcome.ReadKeys = [.. ResourceKey.Describe(reads)];
                outcome.WriteKeys = [.. ResourceKey.Describe(writes)];
            }
            catch (Exception ex)
            {
                outcome.Exception = ex;
                outcome.ErrorMessage = $"Error: the arguments for '{request.Name}' could not be turned into resource keys{Detail(ex)}. Check the argument values.";
                continue;
            }

            _effects[i] = effects;
            outcome.Effects = effects.Declaration;
            outcome.EffectsSource = effects.Source;
        }

        if (configurationErrors is not null)
        {
            throw new ParallelInvocationConfigurationException(configurationErrors.Distinct(StringComparer.Ordinal));
        }

        return inputs;
    }
}
