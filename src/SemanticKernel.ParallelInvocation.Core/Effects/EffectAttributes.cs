using System;

namespace SemanticKernel.ParallelInvocation;

/// <summary>Declares that the method behind a function reads and writes nothing at all (a calculator, a formatter): its calls never wait for, or delay, any other call.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = true)]
public sealed class PureFunctionAttribute : Attribute;

/// <summary>Declares that the method behind a function only reads. Without <see cref="ReadsResourceAttribute"/> it is taken to read every resource, so it waits for earlier writes of any key.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = true)]
public sealed class ReadOnlyFunctionAttribute : Attribute;

/// <summary>Declares that the method behind a function has unknown side effects: its calls run alone, after every earlier call and before every later one.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = true)]
public sealed class ExclusiveFunctionAttribute : Attribute;

/// <summary>Declares resource keys the method behind a function reads, e.g. <c>[ReadsResource("orders/{orderId}")]</c>.</summary>
/// <param name="keyTemplates">Key templates over the function's arguments (see <see cref="FunctionEffects"/>).</param>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = true, Inherited = true)]
public sealed class ReadsResourceAttribute(params string[] keyTemplates) : Attribute
{
    /// <summary>Gets the key templates.</summary>
    public string[] KeyTemplates { get; } = keyTemplates ?? [];
}

/// <summary>Declares resource keys the method behind a function writes, e.g. <c>[WritesResource("orders/{orderId}")]</c>. A write implies a read of the same keys.</summary>
/// <param name="keyTemplates">Key templates over the function's arguments (see <see cref="FunctionEffects"/>).</param>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = true, Inherited = true)]
public sealed class WritesResourceAttribute(params string[] keyTemplates) : Attribute
{
    /// <summary>Gets the key templates.</summary>
    public string[] KeyTemplates { get; } = keyTemplates ?? [];
}

/// <summary>Declares that running the method twice has the same effect as running it once, so a failed call may be retried (<see cref="ParallelInvocationOptions.MaxRetryAttempts"/>).</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = true)]
public sealed class IdempotentFunctionAttribute : Attribute;

/// <summary>Declares that every call of the method must be approved before it runs (see <see cref="FunctionEffects.RequiresApproval"/>).</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = true)]
public sealed class RequiresApprovalAttribute : Attribute;

/// <summary>Declares a per-call timeout for the method behind a function. A timed-out call fails alone; the rest of the batch goes on.</summary>
/// <param name="seconds">The timeout in seconds; must be positive.</param>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = true)]
public sealed class FunctionTimeoutAttribute(double seconds) : Attribute
{
    /// <summary>Gets the timeout in seconds.</summary>
    public double Seconds { get; } = seconds;
}

/// <summary>Declares the concurrency group the method's calls count against; the group's limit is set in <see cref="ParallelInvocationOptions.ConcurrencyGroups"/>.</summary>
/// <param name="name">The group name, e.g. a rate-limited API.</param>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = true)]
public sealed class ConcurrencyGroupAttribute(string name) : Attribute
{
    /// <summary>Gets the group name.</summary>
    public string Name { get; } = name;
}
