using System;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;

namespace ParallelSK.Benchmarks.PlanMode;

/// <summary>A tool that takes its (scaled) latency before it answers, like a remote call.</summary>
internal sealed class LatencyFunction(AIFunction inner, TimeSpan latency) : DelegatingAIFunction(inner)
{
    protected override async ValueTask<object?> InvokeCoreAsync(AIFunctionArguments arguments, CancellationToken cancellationToken)
    {
        await Task.Delay(latency, cancellationToken);
        return await base.InvokeCoreAsync(arguments, cancellationToken);
    }
}
