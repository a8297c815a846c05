using System;
using System.Collections.Generic;
using System.Linq;
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
    /// problem is thrown at once, every one listed. It also inserts, first in the services (so the kernel makes it the outermost
    /// auto-function filter), an internal filter that answers the call ids Semantic Kernel leaves unanswered when a filter sets
    /// <c>Terminate</c> (see the remarks of <see cref="ParallelFunctionInvocationFilter"/>).
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
    /// <exception cref="ParallelInvocationConfigurationException">
    /// The options are invalid (thrown here), or a registered plugin's declarations are (thrown when the kernel is built).
    /// </exception>
    public static IServiceCollection AddParallelFunctionInvocation(this IServiceCollection services, Action<ParallelInvocationOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = new ParallelInvocationOptions();
        options.EffectsProviders.Add(new KernelFunctionEffectsProvider());
        configure?.Invoke(options);
        options.Validate();
        services.TryAddSingleton(sp => new ParallelToolExecutor(options, sp.GetService<ILoggerFactory>()));
        services.TryAddSingleton(sp =>
        {
            // The kernel resolves its filters while it is built: check the declarations of the plugins registered so far, so that
            // a bad attribute or template throws from Build() rather than at the first batch.
            IEnumerable<KernelPlugin> plugins = (IEnumerable<KernelPlugin>?)sp.GetService<KernelPluginCollection>() ?? sp.GetServices<KernelPlugin>();
            options.Validate(plugins.SelectMany(plugin => plugin));
            return new ParallelFunctionInvocationFilter(sp.GetRequiredService<ParallelToolExecutor>(), sp.GetService<ILoggerFactory>());
        });
        services.AddSingleton<IAutoFunctionInvocationFilter>(sp => sp.GetRequiredService<ParallelFunctionInvocationFilter>());

        // The kernel takes its filters in registration order, the first being the outermost: the sentinel that answers the ids
        // Semantic Kernel leaves unanswered after a Terminate must see Terminate once every other filter has set it.
        services.Insert(0, ServiceDescriptor.Singleton<IAutoFunctionInvocationFilter>(sp => new TerminateSentinelFilter(sp.GetRequiredService<ParallelFunctionInvocationFilter>())));

        // Outermost function-invocation filter, so that no other sees the probe that recovers the request's token on the IChatClient path.
        if (!services.Any(d => d.ServiceType == typeof(IFunctionInvocationFilter) && d.ImplementationType == typeof(CancellationProbeFilter)))
        {
            services.Insert(0, ServiceDescriptor.Singleton<IFunctionInvocationFilter, CancellationProbeFilter>());
        }
        return services;
    }
}
