namespace SemanticKernel.ParallelInvocation;

/// <summary>Where a function's <see cref="FunctionEffects"/> came from, strongest first.</summary>
public enum EffectsSource
{
    /// <summary>Registered by name in <see cref="ParallelInvocationOptions.Functions"/>.</summary>
    Registration,

    /// <summary>Read from attributes on the .NET method behind the function.</summary>
    Attributes,

    /// <summary>Supplied by an <see cref="IFunctionEffectsProvider"/> (MCP annotations, OpenAPI methods, …).</summary>
    Provider,

    /// <summary>Nothing was declared; <see cref="ParallelInvocationOptions.UndeclaredFunctions"/> applied.</summary>
    DefaultPolicy,
}
