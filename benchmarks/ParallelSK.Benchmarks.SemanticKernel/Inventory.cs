using System.Threading.Tasks;
using Microsoft.SemanticKernel;
using SemanticKernel.ParallelInvocation;

namespace ParallelSK.Benchmarks.SemanticKernel;

/// <summary>The benchmark's plugin: one zero-latency function, declared read-only for ParallelSK (Semantic Kernel ignores the attribute).</summary>
public sealed class Inventory
{
    [KernelFunction("lookup")]
    [ReadOnlyFunction]
    public int Lookup(int id) => id;

    /// <summary>The same, completing asynchronously as a tool doing I/O would (one yield, no latency to speak of).</summary>
    [KernelFunction("lookup_async")]
    [ReadOnlyFunction]
    public async Task<int> LookupAsync(int id)
    {
        await Task.Yield();
        return id;
    }
}
