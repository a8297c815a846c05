using System.Collections.Generic;

namespace SemanticKernel.ParallelInvocation.Planning;

/// <summary>A batch's dependency graph. Edges always point from a lower index (emitted earlier) to a higher one, so index order is a topological order.</summary>
internal sealed class ExecutionPlan
{
    public ExecutionPlan(Dependency[][] predecessors)
    {
        Predecessors = predecessors;
        var successors = new List<Dependency>[predecessors.Length];
        for (int i = 0; i < predecessors.Length; i++)
        {
            foreach (var d in predecessors[i])
            {
                (successors[d.Predecessor] ??= []).Add(d with { Predecessor = i });
                EdgeCount++;
            }
        }

        Successors = new Dependency[predecessors.Length][];
        for (int i = 0; i < successors.Length; i++)
        {
            Successors[i] = successors[i]?.ToArray() ?? [];
        }
    }

    private ExecutionPlan(Dependency[][] predecessors, Dependency[][] successors)
    {
        Predecessors = predecessors;
        Successors = successors;
    }

    public int Count => Predecessors.Length;

    /// <summary>For each call, the calls it waits for.</summary>
    public Dependency[][] Predecessors { get; }

    /// <summary>For each call, the calls that wait for it (the edge's <see cref="Dependency.Predecessor"/> holds the successor's index).</summary>
    public Dependency[][] Successors { get; }

    public int EdgeCount { get; }

    /// <summary>A plan without edges: every call may run at once.</summary>
    public static ExecutionPlan Unordered(int count)
    {
        var none = new Dependency[count][];
        System.Array.Fill(none, []);
        return new ExecutionPlan(none, none);
    }

    /// <summary>The length of the longest chain of calls, weighting each call by <paramref name="weight"/> (given <paramref name="state"/>; no closure).</summary>
    public double CriticalPath<TState>(TState state, System.Func<TState, int, double> weight)
    {
        if (EdgeCount == 0)
        {
            double longest = 0;
            for (int i = 0; i < Count; i++)
            {
                longest = System.Math.Max(longest, weight(state, i));
            }

            return longest;
        }

        var finish = new double[Count];
        double best = 0;
        for (int i = 0; i < Count; i++)
        {
            double start = 0;
            foreach (var d in Predecessors[i])
            {
                start = System.Math.Max(start, finish[d.Predecessor]);
            }

            finish[i] = start + weight(state, i);
            best = System.Math.Max(best, finish[i]);
        }

        return best;
    }
}
