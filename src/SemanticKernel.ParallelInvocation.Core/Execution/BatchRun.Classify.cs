using System;
using System.Buffers;
using System.Collections.Generic;
using System.Linq;
using SemanticKernel.ParallelInvocation.Effects;
using SemanticKernel.ParallelInvocation.Planning;

namespace SemanticKernel.ParallelInvocation.Execution;

// Classification: what cannot run is rejected before planning; the rest is resolved and bound to keys. See BatchRun.cs for the whole.
internal sealed partial class BatchRun
{
    /// <summary>
    /// Rejects what cannot run, resolves and binds the rest; rejected calls take no part in the plan. The inputs are in an array rented
    /// from <see cref="ArrayPool{T}.Shared"/> (its first <c>_outcomes.Length</c> elements), returned once the batch is planned.
    /// </summary>
    private PlanInput[] Classify()
    {
        var inputs = ArrayPool<PlanInput>.Shared.Rent(_outcomes.Length);
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

            // Calls without an id, or with an id an earlier call has, run like any other, as in FunctionInvokingChatClient's loop:
            // each gets its own outcome in emitted order, and hosts answer them by position.
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
            catch (Exception ex)
            {
                // A host fault (an effects provider that threw): this call cannot be planned, so it does not run; the others do.
                outcome.Exception = ex;
                outcome.ErrorMessage = $"Error: the side effects of '{request.Name}' could not be determined{Detail(ex)}, so it did not run. Reach the goal another way.";
                Observer.HostCallbackFailed("effects provider", i, ex);
                continue;
            }

            try
            {
                var (reads, writes) = effects.Bind(request.Arguments, normalizer);
                inputs[i] = new PlanInput(reads, writes, request.DataDependencies) { OrdersOnly = effects.Source == EffectsSource.DefaultPolicy };
                outcome.SetKeys(reads, writes);
            }
            catch (KeyBindingException ex)
            {
                outcome.Exception = ex;
                outcome.ErrorMessage = $"Error: the call to '{request.Name}' did not run: {ex.Message} Send values that match the function's parameters.";
                continue;
            }
            catch (Exception ex)
            {
                outcome.Exception = ex;
                outcome.ErrorMessage = $"Error: the arguments for '{request.Name}' could not be turned into resource keys{Detail(ex)}. Check the argument values.";
                continue;
            }

            _calls[i].Effects = effects;
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
