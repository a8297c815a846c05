using System;

namespace SemanticKernel.ParallelInvocation.Effects;

/// <summary>
/// A call's argument could not be turned into a resource key: its value cannot be bound to the parameter's type, or it is nested too
/// deeply (or refers to itself). The message is written for the model and names the argument; it never holds exception details.
/// </summary>
internal sealed class KeyBindingException : Exception
{
    /// <summary>The deepest nesting of arrays and objects in an argument that keys are computed from.</summary>
    public const int MaxDepth = 64;

    public KeyBindingException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }

    public static KeyBindingException TooDeep(string argument) =>
        new($"argument '{argument}' is nested more than {MaxDepth} levels deep (or refers to itself), so the resources it names cannot be determined.");

    public static KeyBindingException NotBindable(string argument, string type, Exception? inner = null) =>
        new($"the value of argument '{argument}' cannot be read as {type}.", inner);
}
