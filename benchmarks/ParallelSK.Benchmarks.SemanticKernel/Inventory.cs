using Microsoft.SemanticKernel;
using SemanticKernel.ParallelInvocation;

namespace ParallelSK.Benchmarks.SemanticKernel;

/// <summary>The benchmark's plugin: one zero-latency function, declared read-only for ParallelSK (Semantic Kernel ignores the attribute).</summary>
public sealed class Inventory
{
    [KernelFunction("lookup")]
    [ReadOnlyFunction]
    public int Lookup(int id) => id;
}
