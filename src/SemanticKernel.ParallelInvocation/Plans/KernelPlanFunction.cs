using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.SemanticKernel;
using SemanticKernel.ParallelInvocation.Plans;

namespace SemanticKernel.ParallelInvocation;

/// <summary>
/// The plan tool as a kernel function. When invoked, it runs the plan's steps as one nested batch through the kernel's
/// <see cref="ParallelToolExecutor"/> (the one <c>AddParallelFunctionInvocation</c> registered, or one with the default options),
/// each step a function of the kernel's plugins called through <see cref="KernelFunction.InvokeAsync(Kernel, KernelArguments?, CancellationToken)"/>,
/// so the kernel's function-invocation filters see every step. Within the model's turn it is one call, declared exclusive.
/// </summary>
internal sealed class KernelPlanFunction
{
    private readonly PlanToolFunction _tool;
    private readonly Lazy<ParallelToolExecutor> _fallback;

    private KernelPlanFunction(PlanToolOptions options)
    {
        _tool = new PlanToolFunction(options);
        _fallback = new(() =>
        {
            var defaults = new ParallelInvocationOptions();
            defaults.EffectsProviders.Add(new KernelFunctionEffectsProvider());
            return new ParallelToolExecutor(defaults);
        });
    }

    public static KernelFunction Create(PlanToolOptions options)
    {
        var plan = new KernelPlanFunction(options);
        var schema = PlanToolText.Schema.GetProperty("properties").GetProperty("steps");
        return KernelFunctionFactory.CreateFromMethod(
            plan.RunAsync,
            new KernelFunctionFromMethodOptions
            {
                FunctionName = options.Name,
                Description = options.Description ?? PlanToolText.Description,
                Parameters = [new KernelParameterMetadata(PlanParser.StepsProperty) { Description = schema.GetProperty("description").GetString(), IsRequired = true, Schema = KernelJsonSchema.Parse(schema.GetRawText()), ParameterType = typeof(object) }],
                ReturnParameter = new KernelReturnParameterMetadata { Description = "Each step's status and result, or why it did not run.", ParameterType = typeof(string) },
                AdditionalMetadata = new ReadOnlyDictionary<string, object?>(new Dictionary<string, object?>
                {
                    [KernelFunctionEffectsProvider.MetadataKey] = FunctionEffects.Exclusive, // its steps may touch anything
                }),
            });
    }

    /// <summary>Runs the plan in <paramref name="arguments"/>; returns its one result.</summary>
    [ExclusiveFunction]
    private async Task<string> RunAsync(Kernel kernel, KernelArguments arguments, CancellationToken cancellationToken)
    {
        var executor = kernel.Services.GetService<ParallelToolExecutor>() ?? _fallback.Value;
        var plain = new Dictionary<string, object?>(arguments, StringComparer.Ordinal);
        return await _tool.RunAsync(plain, Functions(kernel), executor, (function, args, token) => InvokeAsync(kernel, function, args, token), kernel.Services, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The kernel's functions by the names the model sees (<c>Plugin-Function</c>) and, where unique, by their own names; not the plan tool.</summary>
    private IReadOnlyDictionary<string, AIFunction> Functions(Kernel kernel)
    {
        var byName = new Dictionary<string, AIFunction>(StringComparer.Ordinal);
        var shortNames = new Dictionary<string, AIFunction?>(StringComparer.Ordinal);
        foreach (var plugin in kernel.Plugins)
        {
            foreach (var function in plugin)
            {
                if (plugin.Name == KernelPlanExtensions.PluginName && function.Name == _tool.Name)
                {
                    continue;
                }

                byName.TryAdd($"{plugin.Name}-{function.Name}", function);
                shortNames[function.Name] = shortNames.ContainsKey(function.Name) ? null : function;
            }
        }

        foreach (var (name, function) in shortNames)
        {
            if (function is not null)
            {
                byName.TryAdd(name, function);
            }
        }

        return byName;
    }

    private static async ValueTask<object?> InvokeAsync(Kernel kernel, AIFunction function, AIFunctionArguments arguments, CancellationToken cancellationToken)
    {
        if (function is not KernelFunction kernelFunction)
        {
            return await function.InvokeAsync(arguments, cancellationToken).ConfigureAwait(false);
        }

        var result = await kernelFunction.InvokeAsync(kernel, new KernelArguments(arguments), cancellationToken).ConfigureAwait(false);
        return result.GetValue<object>();
    }
}
