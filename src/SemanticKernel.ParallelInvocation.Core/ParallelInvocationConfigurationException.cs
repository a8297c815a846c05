using System;
using System.Collections.Generic;
using System.Linq;

namespace SemanticKernel.ParallelInvocation;

/// <summary>Thrown when options or declarations are invalid; <see cref="Errors"/> lists every problem found, not only the first.</summary>
public sealed class ParallelInvocationConfigurationException : InvalidOperationException
{
    /// <summary>Initializes a new instance of the <see cref="ParallelInvocationConfigurationException"/> class.</summary>
    /// <param name="errors">Every problem found.</param>
    public ParallelInvocationConfigurationException(IEnumerable<string> errors)
        : this(errors?.ToArray() ?? [])
    {
    }

    private ParallelInvocationConfigurationException(string[] errors)
        : base(Format(errors)) => Errors = errors;

    /// <summary>Gets every problem found.</summary>
    public IReadOnlyList<string> Errors { get; }

    private static string Format(string[] errors) => errors.Length switch
    {
        0 => "Parallel invocation is misconfigured.",
        1 => "Parallel invocation is misconfigured: " + errors[0],
        _ => $"Parallel invocation is misconfigured ({errors.Length} problems):" + Environment.NewLine + string.Join(Environment.NewLine, errors.Select(e => "  - " + e)),
    };
}
