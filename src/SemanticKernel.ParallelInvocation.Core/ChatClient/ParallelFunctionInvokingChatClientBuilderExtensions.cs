using System;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SemanticKernel.ParallelInvocation;

namespace Microsoft.Extensions.AI;

/// <summary>Adds a <see cref="ParallelFunctionInvokingChatClient"/> to a chat pipeline, in place of <c>UseFunctionInvocation</c>.</summary>
public static class ParallelFunctionInvokingChatClientBuilderExtensions
{
    /// <summary>
    /// Adds ParallelSK's tool loop to the pipeline with the default <see cref="ParallelInvocationOptions"/>: each batch of calls is
    /// planned from the functions' declared effects (attributes, <see cref="ParallelInvocationOptions.EffectsProviders"/>, the default policy).
    /// </summary>
    /// <param name="builder">The pipeline builder.</param>
    /// <param name="loggerFactory">Where to log; <see langword="null"/> for the builder's services' <see cref="ILoggerFactory"/>, if any.</param>
    /// <param name="configure">Sets the client's properties (iteration limits, additional tools, <see cref="FunctionInvokingChatClient.FunctionInvoker"/>); optional.</param>
    /// <returns><paramref name="builder"/>, for chaining.</returns>
    /// <remarks>Functions get the builder's services in <see cref="AIFunctionArguments.Services"/>, as with <c>UseFunctionInvocation</c>.</remarks>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    public static ChatClientBuilder UseParallelFunctionInvocation(
        this ChatClientBuilder builder,
        ILoggerFactory? loggerFactory = null,
        Action<ParallelFunctionInvokingChatClient>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return Use(builder, new ParallelInvocationOptions(), loggerFactory, configure);
    }

    /// <summary>Adds ParallelSK's tool loop to the pipeline with options configured here (declarations, default policy, limits, approvals).</summary>
    /// <param name="builder">The pipeline builder.</param>
    /// <param name="configureOptions">Configures the options; it runs once, here, and every client this builder builds shares the result.</param>
    /// <param name="loggerFactory">Where to log; <see langword="null"/> for the builder's services' <see cref="ILoggerFactory"/>, if any.</param>
    /// <param name="configure">Sets the client's properties (iteration limits, additional tools, <see cref="FunctionInvokingChatClient.FunctionInvoker"/>); optional.</param>
    /// <returns><paramref name="builder"/>, for chaining.</returns>
    /// <remarks>The options are validated here, so configuration errors surface where the pipeline is declared (at registration with dependency injection).</remarks>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="configureOptions"/> is <see langword="null"/>.</exception>
    /// <exception cref="ParallelInvocationConfigurationException">The configured options are invalid; every problem is listed.</exception>
    public static ChatClientBuilder UseParallelFunctionInvocation(
        this ChatClientBuilder builder,
        Action<ParallelInvocationOptions> configureOptions,
        ILoggerFactory? loggerFactory = null,
        Action<ParallelFunctionInvokingChatClient>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configureOptions);
        var options = new ParallelInvocationOptions();
        configureOptions(options);
        options.Validate();
        return Use(builder, options, loggerFactory, configure);
    }

    private static ChatClientBuilder Use(ChatClientBuilder builder, ParallelInvocationOptions options, ILoggerFactory? loggerFactory, Action<ParallelFunctionInvokingChatClient>? configure) =>
        builder.Use((innerClient, services) =>
        {
            var client = new ParallelFunctionInvokingChatClient(innerClient, options, loggerFactory ?? services.GetService<ILoggerFactory>(), services);
            configure?.Invoke(client);
            return client;
        });
}
