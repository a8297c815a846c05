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
    private static readonly Func<IServiceProvider, IAutoFunctionInvocationFilter> s_filter = static sp => sp.GetRequiredService<ParallelFunctionInvocationFilter>();

    /// <summary>
    /// Registers <see cref="ParallelFunctionInvocationFilter"/> as the outermost auto-function filter (first in the services, wherever this is
    /// called), the engine it uses, and <see cref="KernelFunctionEffectsProvider"/>. The options are validated here and any problem is
    /// thrown at once, every one listed. It also registers, as the outermost function-invocation filter, an internal filter that recovers
    /// the request's cancellation token on Semantic Kernel's IChatClient path (see the remarks of <see cref="ParallelFunctionInvocationFilter"/>).
    /// Calling it again registers nothing more.
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

        // The kernel takes its filters in registration order, the first being the outermost: this filter must wrap every other, so that
        // the calls it runs ahead of their delivery go through all of them.
        if (!services.Any(d => d.ServiceType == typeof(IAutoFunctionInvocationFilter) && d.ImplementationFactory == s_filter))
        {
            services.Insert(0, ServiceDescriptor.Singleton(s_filter));
        }

        // Outermost function-invocation filter, so that no other sees the probe that recovers the request's token on the IChatClient path.
        if (!services.Any(d => d.ServiceType == typeof(IFunctionInvocationFilter) && d.ImplementationType == typeof(CancellationProbeFilter)))
        {
            services.Insert(0, ServiceDescriptor.Singleton<IFunctionInvocationFilter, CancellationProbeFilter>());
        }

        return services;
    }
}
