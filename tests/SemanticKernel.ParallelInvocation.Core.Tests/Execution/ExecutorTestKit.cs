using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;

namespace SemanticKernel.ParallelInvocation.Tests.Execution;

/// <summary>Small helpers for executor tests. Every wait is logical; the only timeout is a safety net that fails a test instead of hanging it.</summary>
internal static class ExecutorTestKit
{
    public static readonly TimeSpan SafetyNet = TimeSpan.FromSeconds(30);

    public static ToolCallRequest Call(string id, AIFunction function, Dictionary<string, object?>? args = null) =>
        new(id, function.Name, args, function);

    public static AIFunction Fn(string name, Func<CancellationToken, Task<object?>> body) =>
        AIFunctionFactory.Create(async (CancellationToken ct) => await body(ct), name);

    public static AIFunction Returns(string name, object? value) => Fn(name, _ => Task.FromResult(value));

    public static Task<BatchReport> Run(ParallelInvocationOptions options, params ToolCallRequest[] calls) =>
        new ParallelToolExecutor(options).ExecuteAsync(calls).WaitAsync(SafetyNet);

    public static async Task Eventually(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + SafetyNet;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "The condition never became true.");
            await Task.Delay(1);
        }
    }
}
