using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;

namespace SemanticKernel.ParallelInvocation.Tests.Execution;

/// <summary>
/// A max-in-flight counter: its tools count themselves in, wait for <see cref="Gate"/>, and count themselves out. Limits are proven
/// with it logically (by what is in flight while the gate is shut), never by timing.
/// </summary>
internal sealed class Gauge
{
    private int _now;
    private int _max;
    private int _entered;

    public TaskCompletionSource Gate { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public int Now => Volatile.Read(ref _now);

    public int Max => Volatile.Read(ref _max);

    /// <summary>Gets how many calls have started in all.</summary>
    public int Entered => Volatile.Read(ref _entered);

    public AIFunction Tool(string name) => AIFunctionFactory.Create(async (int id = -1) =>
    {
        Enter();
        await Gate.Task;
        Interlocked.Decrement(ref _now);
        return name + id;
    }, name);

    public void Enter()
    {
        Interlocked.Increment(ref _entered);
        int now = Interlocked.Increment(ref _now);
        int seen;
        while (now > (seen = Volatile.Read(ref _max)) && Interlocked.CompareExchange(ref _max, now, seen) != seen)
        {
        }
    }

    public void Leave() => Interlocked.Decrement(ref _now);
}
