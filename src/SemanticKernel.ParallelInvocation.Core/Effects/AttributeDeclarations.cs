using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;

namespace SemanticKernel.ParallelInvocation.Effects;

/// <summary>Reads <see cref="FunctionEffects"/> from the effect attributes on a method.</summary>
internal static class AttributeDeclarations
{
    public static FunctionEffects? Read(MethodInfo method, List<string> errors)
    {
        string owner = $"{method.DeclaringType?.Name}.{method.Name}";
        bool pure = method.IsDefined(typeof(PureFunctionAttribute), true);
        bool readOnly = method.IsDefined(typeof(ReadOnlyFunctionAttribute), true);
        bool exclusive = method.IsDefined(typeof(ExclusiveFunctionAttribute), true);
        string[] reads = method.GetCustomAttributes<ReadsResourceAttribute>(true).SelectMany(a => a.KeyTemplates).ToArray();
        string[] writes = method.GetCustomAttributes<WritesResourceAttribute>(true).SelectMany(a => a.KeyTemplates).ToArray();
        bool readsDeclared = method.IsDefined(typeof(ReadsResourceAttribute), true);
        bool writesDeclared = method.IsDefined(typeof(WritesResourceAttribute), true);
        var timeout = method.GetCustomAttribute<FunctionTimeoutAttribute>(true);
        var group = method.GetCustomAttribute<ConcurrencyGroupAttribute>(true);
        bool idempotent = method.IsDefined(typeof(IdempotentFunctionAttribute), true);
        bool approval = method.IsDefined(typeof(RequiresApprovalAttribute), true);

        int before = errors.Count;
        if (pure && (readOnly || exclusive || readsDeclared || writesDeclared))
        {
            errors.Add($"{owner}: [PureFunction] contradicts {Others(readOnly, exclusive, readsDeclared, writesDeclared)}: a pure function reads and writes nothing.");
        }

        if (readOnly && (exclusive || writesDeclared))
        {
            errors.Add($"{owner}: [ReadOnlyFunction] contradicts {Others(false, exclusive, false, writesDeclared)}.");
        }

        if (exclusive && (readsDeclared || writesDeclared))
        {
            errors.Add($"{owner}: [ExclusiveFunction] already reads and writes everything; remove {Others(false, false, readsDeclared, writesDeclared)} or [ExclusiveFunction].");
        }

        if (timeout is not null && !(timeout.Seconds > 0 && timeout.Seconds <= TimeSpan.MaxValue.TotalSeconds))
        {
            errors.Add($"{owner}: [FunctionTimeout({timeout.Seconds})] must be a positive number of seconds.");
        }

        if (group is not null && string.IsNullOrWhiteSpace(group.Name))
        {
            errors.Add($"{owner}: [ConcurrencyGroup] needs a name.");
        }

        bool any = pure || readOnly || exclusive || readsDeclared || writesDeclared || timeout is not null || group is not null || idempotent || approval;
        if (!any || errors.Count > before)
        {
            return null;
        }

        FunctionEffects effects;
        if (pure)
        {
            effects = FunctionEffects.Pure;
        }
        else if (exclusive)
        {
            effects = FunctionEffects.Exclusive;
        }
        else if (writesDeclared)
        {
            effects = FunctionEffects.Writing(writes.Length == 0 ? [FunctionEffects.Everything] : writes);
            if (reads.Length > 0)
            {
                effects = effects.AlsoReading(reads);
            }
        }
        else if (readOnly || readsDeclared)
        {
            effects = reads.Length == 0 ? FunctionEffects.ReadOnly : FunctionEffects.Reading(reads);
        }
        else
        {
            // Only execution hints (timeout, group, idempotent, approval): the effects themselves are undeclared.
            return null;
        }

        if (idempotent)
        {
            effects = effects.AsIdempotent();
        }

        if (timeout is not null)
        {
            effects = effects.WithTimeout(TimeSpan.FromSeconds(timeout.Seconds));
        }

        if (group is not null)
        {
            effects = effects.InConcurrencyGroup(group.Name);
        }

        if (approval)
        {
            effects = effects.RequiringApproval();
        }

        return effects;
    }

    /// <summary>Execution hints declared without any effect attribute; applied on top of whatever declaration wins.</summary>
    public static (bool Idempotent, TimeSpan? Timeout, string? Group, bool Approval) ReadHints(MethodInfo method)
    {
        var timeout = method.GetCustomAttribute<FunctionTimeoutAttribute>(true);
        return (
            method.IsDefined(typeof(IdempotentFunctionAttribute), true),
            timeout is { Seconds: > 0 } ? TimeSpan.FromSeconds(timeout.Seconds) : null,
            method.GetCustomAttribute<ConcurrencyGroupAttribute>(true)?.Name,
            method.IsDefined(typeof(RequiresApprovalAttribute), true));
    }

    private static string Others(bool readOnly, bool exclusive, bool reads, bool writes) =>
        string.Join(" and ", new[]
        {
            readOnly ? "[ReadOnlyFunction]" : null,
            exclusive ? "[ExclusiveFunction]" : null,
            reads ? "[ReadsResource]" : null,
            writes ? "[WritesResource]" : null,
        }.Where(s => s is not null));
}
