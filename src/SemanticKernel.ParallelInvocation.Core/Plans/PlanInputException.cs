using System;

namespace SemanticKernel.ParallelInvocation.Plans;

/// <summary>A step's input could not be made from the results it references (a path its producer's output turned out not to have).</summary>
internal sealed class PlanInputException : Exception
{
    public PlanInputException(string message)
        : base(message)
    {
    }

    public PlanInputException()
    {
    }

    public PlanInputException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
