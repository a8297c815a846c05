using System;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using SemanticKernel.ParallelInvocation;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers <see cref="ParallelFunctionInvokingChatClient"/> in a service collection.</summary>
public static class ParallelChatClientServiceCollectionExtensions
{
    /// <summary>
    /// Decorates the last registered (non-keyed) <see cref="IChatClient"/> with a <see cref="ParallelFunctionInvokingChatClient"/>,
    /// keeping its lifetime. Functions get the resolving <see cref="IServiceProvider"/> in <see cref="AIFunctionArguments.Services"/>,
    /// and logs go to the registered <see cref="ILoggerFactory"/>, if any.
    /// </summary>
    /// <param name="services">The services; an <see cref="IChatClient"/> must already be registered.</param>
    /// <param name="configure">Configures the options; <see langword="null"/> for the defaults.</param>
    /// <param name="configureClient">Sets the client's loop properties (iteration limits, additional tools); optional.</param>
    /// <returns><paramref name="services"/>, for chaining.</returns>
    /// <remarks>The options are configured and validated here, once, so configuration errors surface at registration.</remarks>
    /// <exception cref="InvalidOperationException">No <see cref="IChatClient"/> is registered.</exception>
    /// <exception cref="ParallelInvocationConfigurationException">The options are invalid.</exception>
    public static IServiceCollection AddParallelFunctionInvokingChatClient(
        this IServiceCollection services,
        Action<ParallelInvocationOptions>? configure = null,
        Action<ParallelFunctionInvokingChatClient>? configureClient = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        int index = -1;
        for (int i = services.Count - 1; i >= 0; i--)
        {
            if (services[i].ServiceType == typeof(IChatClient) && !services[i].IsKeyedService)
            {
                index = i;
                break;
            }
        }

        if (index < 0)
        {
            throw new InvalidOperationException("Register an IChatClient (the client that talks to the model) before calling AddParallelFunctionInvokingChatClient.");
        }

        var options = new ParallelInvocationOptions();
        configure?.Invoke(options);
        options.Validate();
        var inner = services[index];
        services[index] = ServiceDescriptor.Describe(
            typeof(IChatClient),
            provider =>
            {
                var client = new ParallelFunctionInvokingChatClient(Resolve(inner, provider), options, provider.GetService<ILoggerFactory>(), provider);
                configureClient?.Invoke(client);
                return client;
            },
            inner.Lifetime);
        return services;
    }

    private static IChatClient Resolve(ServiceDescriptor descriptor, IServiceProvider provider) => descriptor switch
    {
        { ImplementationInstance: IChatClient instance } => instance,
        { ImplementationFactory: { } factory } => (IChatClient)factory(provider),
        { ImplementationType: { } type } => (IChatClient)ActivatorUtilities.CreateInstance(provider, type),
        _ => throw new InvalidOperationException($"The IChatClient registration {descriptor} cannot be decorated."),
    };
}
