using System;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.SemanticKernel;

namespace SemanticKernel.ParallelInvocation;

/// <summary>Adds side-effect-aware parallel function invocation to a kernel.</summary>
public static class KernelBuilderExtensions
{
    /// <summary>
    /// Registers <see cref="ParallelFunctionInvocationFilter"/> (call this after adding other auto-function filters, so it is the
    /// innermost one), the engine it uses, and <see cref="KernelFunctionEffectsProvider"/>. The options are validated here and any
    /// problem is thrown at once, every one listed.
    /// </summary>
    /// <param name="builder">The kernel builder.</param>
    /// <param name="configure">Configures the options.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ParallelInvocationConfigurationException">The options are invalid.</exception>
    public static IKernelBuilder AddParallelFunctionInvocation(this IKernelBuilder builder, Action<ParallelInvocationOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddParallelFunctionInvocation(configure);
        return builder;
    }

    /// <summary>The <see cref="IServiceCollection"/> form of <see cref="AddParallelFunctionInvocation(IKernelBuilder, Action{ParallelInvocationOptions}?)"/>.</summary>
    /// <param name="services">The services a kernel is built from.</param>
    /// <param name="configure">Configures the options.</param>
    /// <returns>The services.</returns>
    /// <exception cref="ParallelInvocationConfigurationException">The options are invalid.</exception>
    public static IServiceCollection AddParallelFunctionInvocation(this IServiceCollection services, Action<ParallelInvocationOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = new ParallelInvocationOptions();
        options.EffectsProviders.Add(new KernelFunctionEffectsProvider());
        configure?.Invoke(options);
        options.Validate();
        services.TryAddSingleton(sp => new ParallelToolExecutor(options, sp.GetService<ILoggerFactory>()));
        services.AddSingleton<IAutoFunctionInvocationFilter>(sp => new ParallelFunctionInvocationFilter(sp.GetRequiredService<ParallelToolExecutor>(), sp.GetService<ILoggerFactory>()));
        return services;
    }
}
