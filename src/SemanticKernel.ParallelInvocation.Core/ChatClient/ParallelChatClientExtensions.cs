using System;
using Microsoft.Extensions.Logging;
using SemanticKernel.ParallelInvocation;

namespace Microsoft.Extensions.AI;

/// <summary>Wraps an <see cref="IChatClient"/> in a <see cref="ParallelFunctionInvokingChatClient"/>.</summary>
public static class ParallelChatClientExtensions
{
    /// <summary>Wraps <paramref name="innerClient"/> so that it runs the tool loop, planning and running each batch of calls in parallel where the functions' declared effects allow.</summary>
    /// <param name="innerClient">The client that talks to the model; it must not run functions itself.</param>
    /// <param name="configure">Configures the options (declarations, default policy, limits); <see langword="null"/> for the defaults.</param>
    /// <param name="loggerFactory">Where to log; <see langword="null"/> for no logging.</param>
    /// <param name="functionInvocationServices">The services passed to functions in <see cref="AIFunctionArguments.Services"/>.</param>
    /// <returns>The wrapping client.</returns>
    /// <exception cref="ParallelInvocationConfigurationException">The configured options are invalid.</exception>
    public static ParallelFunctionInvokingChatClient AsParallelFunctionInvoking(
        this IChatClient innerClient,
        Action<ParallelInvocationOptions>? configure = null,
        ILoggerFactory? loggerFactory = null,
        IServiceProvider? functionInvocationServices = null)
    {
        ArgumentNullException.ThrowIfNull(innerClient);
        var options = new ParallelInvocationOptions();
        configure?.Invoke(options);
        return new ParallelFunctionInvokingChatClient(innerClient, options, loggerFactory, functionInvocationServices);
    }
}
