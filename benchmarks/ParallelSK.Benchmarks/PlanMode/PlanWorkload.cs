using System.Collections.Generic;
using Microsoft.Extensions.AI;
using SemanticKernel.ParallelInvocation;

namespace ParallelSK.Benchmarks.PlanMode;

/// <summary>A simulated tool: its name, its latency in (simulated) milliseconds, its declaration and what it returns.</summary>
internal sealed record PlanToolSpec(string Name, int Ms, FunctionEffects Effects, System.Delegate Body);

/// <summary>
/// One LLMCompiler-shaped task: the tools, and the task's dependency graph written as the plan a planner would submit (steps with
/// <c>$N</c> references and <c>for_each</c>). The scripted model derives its ReAct and flat-batch turns from the same graph.
/// </summary>
internal sealed record PlanWorkload(string Name, string Question, IReadOnlyList<PlanToolSpec> Tools, string StepsJson, int Calls);
