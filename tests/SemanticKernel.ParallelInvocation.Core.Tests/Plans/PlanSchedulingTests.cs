using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;
using static SemanticKernel.ParallelInvocation.Tests.Plans.PlanKit;

namespace SemanticKernel.ParallelInvocation.Tests.Plans;

/// <summary>How a plan's steps are ordered (data edges plus conflict edges), limited, timed out and cancelled. Every wait is logical.</summary>
public sealed class PlanSchedulingTests
{
    [Fact]
    public async Task RunPlan_ConflictingStepsWithoutDataEdge_KeepTheGivenOrderWhileIndependentOnesRunTogether()
    {
        var kv = new KvTools();
        var together = new Barrier(2);
        kv.OnStart = (tag, _) =>
        {
            if (tag is "w" or "other")
            {
                Assert.True(together.SignalAndWait(SafetyNet), "the write and the independent read never ran at the same time");
            }
        };

        var reports = new List<BatchReport>();
        var options = kv.Options(reports);
        await RunAsync(options, """
            [{"function":"write","arguments":{"key":"a","tag":"w","value":1}},
             {"function":"read","arguments":{"key":"a","tag":"r"}},
             {"function":"read","arguments":{"key":"b","tag":"other"}}]
            """, kv.All);

        var batch = Assert.Single(reports);
        Assert.Equal([0], batch.Calls[1].Predecessors);
        Assert.Empty(batch.Calls[2].Predecessors);
        Assert.True(kv.Log.IndexOf("end w") < kv.Log.IndexOf("start r"), string.Join(", ", kv.Log));
        Assert.Equal("1", kv.Read("a"));
    }

    [Fact]
    public async Task RunPlan_KeyArgumentFromAReference_PlannedOnTheCutKeySoLaterConflictsWait()
    {
        var kv = new KvTools();
        var reports = new List<BatchReport>();
        await RunAsync(kv.Options(reports), """
            [{"function":"read","arguments":{"key":"a","tag":"r1"}},
             {"function":"write","arguments":{"key":"$1.link","tag":"w","value":7}},
             {"function":"read","arguments":{"key":"c","tag":"r2"}}]
            """, kv.All);

        var batch = Assert.Single(reports);
        Assert.Equal(["kv"], batch.Calls[1].WriteKeys);        // "kv/{key}" stops before the unknown key: an ancestor of any key it names
        Assert.Equal([0], batch.Calls[1].Predecessors);       // the data edge
        Assert.Contains(1, batch.Calls[2].Predecessors);      // the conservative conflict edge
        Assert.Equal("7", kv.Read("b"));                      // a's link is b
    }

    [Fact]
    public async Task RunPlan_FanOut_ElementsGetExactKeysAndRunAsANestedBatch()
    {
        var kv = new KvTools();
        var together = new Barrier(2);
        int firsts = 0;
        kv.OnStart = (tag, _) =>
        {
            // The first x and the y must run at the same time; the second x waits for the first.
            if (tag == "each" && Interlocked.Increment(ref firsts) <= 2)
            {
                Assert.True(together.SignalAndWait(SafetyNet), "the calls on x and y never ran at the same time");
            }
        };

        var reports = new List<BatchReport>();
        var plan = await RunAsync(kv.Options(reports), """
            [{"function":"keys","arguments":{"keys":["x","y","x"]}},
             {"function":"incr","for_each":"$1","arguments":{"key":"$item","tag":"each"}}]
            """, kv.All);

        Assert.Equal(2, reports.Count);
        var nested = reports[0];                              // the fan-out's calls finish before the plan's batch
        Assert.Equal(["kv/x"], nested.Calls[0].WriteKeys);
        Assert.Equal(["kv/y"], nested.Calls[1].WriteKeys);
        Assert.Empty(nested.Calls[1].Predecessors);
        Assert.Equal([0], nested.Calls[2].Predecessors);      // the same key: in the given order
        Assert.Equal("2", kv.Read("x"));
        Assert.Equal(3, Step(plan, 2).GetProperty("calls").GetInt32());
    }

    [Fact]
    public async Task RunPlan_FanOutUnderAGlobalLimitOfOneAndAGroupLimit_CompletesWithoutHoldingASlot()
    {
        var kv = new KvTools();
        var reports = new List<BatchReport>();
        var options = kv.Options(reports);
        options.MaxDegreeOfParallelism = 1;
        options.AddConcurrencyGroup("api", 1).Declare("incr", FunctionEffects.Writing("kv/{key}").InConcurrencyGroup("api"));
        var plan = await RunAsync(options, """
            [{"function":"keys","arguments":{"keys":["x","y","z"]}},
             {"function":"incr","for_each":"$1","arguments":{"key":"$item","tag":"each"}},
             {"function":"incr","arguments":{"key":"w","tag":"after"}}]
            """, kv.All);

        Assert.All(new[] { 1, 2, 3 }, n => Assert.Equal("succeeded", Status(plan, n)));
        Assert.All(reports, r => Assert.True(r.MaxInFlight <= 1, $"{r.MaxInFlight} calls at once"));
    }

    [Fact]
    public async Task RunPlan_FanOutLongerThanTheDefaultTimeout_EachCallTimedAloneNotTheStep()
    {
        // Two calls of 3 s each, one at a time, under a default timeout of 5 s: each call is within it; the step (6 s) is not.
        var clock = new ManualTimeProvider();
        var kv = new KvTools();
        var started = new[] { new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously), new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously) };
        var release = new[] { new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously), new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously) };
        int n = -1;
        kv.OnStartAsync = (tag, _) =>
        {
            if (tag != "each")
            {
                return Task.CompletedTask;
            }

            int k = Interlocked.Increment(ref n);
            started[k].SetResult();
            return release[k].Task;
        };
        var options = kv.Options([]);
        options.TimeProvider = clock;
        options.DefaultTimeout = TimeSpan.FromSeconds(5);
        options.MaxDegreeOfParallelism = 1;
        var run = RunAsync(options, """
            [{"function":"keys","arguments":{"keys":["x","y"]}},
             {"function":"incr","for_each":"$1","arguments":{"key":"$item","tag":"each"}}]
            """, kv.All);

        for (int k = 0; k < 2; k++)
        {
            await started[k].Task.WaitAsync(SafetyNet);
            clock.Advance(TimeSpan.FromSeconds(3));
            release[k].SetResult();
        }

        var plan = await run;
        Assert.Equal("succeeded", Status(plan, 2));
        Assert.Equal([1, 1], Result(plan, 2).EnumerateArray().Select(e => e.GetProperty("value").GetInt32()));
    }

    [Fact]
    public async Task RunPlan_StepTimesOutMidPlan_DependentSkippedNamingItAndTheRestGoesOn()
    {
        var clock = new ManualTimeProvider();
        var kv = new KvTools();
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        kv.OnStartAsync = (tag, ct) => tag == "slow" ? Hang(started, ct) : Task.CompletedTask;
        var options = kv.Options([]);
        options.TimeProvider = clock;
        options.Declare("read", FunctionEffects.Reading("kv/{key}").WithTimeout(TimeSpan.FromSeconds(5)));
        var run = RunAsync(options, """
            [{"function":"write","arguments":{"key":"a","tag":"w","value":3}},
             {"function":"read","arguments":{"key":"a","tag":"slow"}},
             {"function":"write","arguments":{"key":"b","tag":"uses","value":"$2.value"}},
             {"function":"incr","arguments":{"key":"c","tag":"fine"}}]
            """, kv.All);

        await started.Task.WaitAsync(SafetyNet);
        clock.Advance(TimeSpan.FromSeconds(5));
        var plan = await run;

        Assert.Equal("timed_out", Status(plan, 2));
        Assert.Contains("did not finish in time", Error(plan, 2), StringComparison.Ordinal);
        Assert.Equal("skipped", Status(plan, 3));
        Assert.Equal("did not run, because step 2 ('read') timed out and this step needs its result", Error(plan, 3));
        Assert.Equal("succeeded", Status(plan, 4));
        Assert.Null(kv.Read("b"));
    }

    [Fact]
    public async Task RunPlan_CancelledMidPlan_RunningAndWaitingStepsCancelledAndTheCallThrows()
    {
        var kv = new KvTools();
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        kv.OnStartAsync = (tag, ct) => tag == "slow" ? Hang(started, ct) : Task.CompletedTask;
        var reports = new List<BatchReport>();
        using var cts = new CancellationTokenSource();
        var run = RunTextAsync(kv.Options(reports), Steps("""
            [{"function":"write","arguments":{"key":"a","tag":"w","value":3}},
             {"function":"read","arguments":{"key":"a","tag":"slow"}},
             {"function":"write","arguments":{"key":"b","tag":"uses","value":"$2.value"}}]
            """), kv.All, cancellationToken: cts.Token);

        await started.Task.WaitAsync(SafetyNet);
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
        var batch = Assert.Single(reports);
        Assert.Equal([ToolCallStatus.Succeeded, ToolCallStatus.Cancelled], batch.Calls.Take(2).Select(c => c.Status));

        // The step that needs the cancelled one never runs: cancelled, or skipped naming it when its outcome is decided first.
        Assert.Contains(batch.Calls[2].Status, new[] { ToolCallStatus.Cancelled, ToolCallStatus.Skipped });
        Assert.Null(batch.Calls[2].StartedAt);
        Assert.Equal("3", kv.Read("a"));
        Assert.Null(kv.Read("b"));
    }

    private static async Task Hang(TaskCompletionSource started, CancellationToken cancellationToken)
    {
        started.TrySetResult();
        await Task.Delay(Timeout.Infinite, cancellationToken);
    }

    /// <summary>A key-value store's functions with true declarations; each logs its start and end and may be held by a hook.</summary>
    private sealed class KvTools
    {
        private static readonly JsonElement KeySchema = JsonDocument.Parse(
            """{"type":"object","properties":{"key":{"type":"string"},"tag":{"type":"string"},"value":{"type":"integer"}},"required":["key"]}""").RootElement;

        private static readonly JsonElement KeysSchema = JsonDocument.Parse(
            """{"type":"object","properties":{"keys":{"type":"array","items":{"type":"string"}}}}""").RootElement;

        private readonly ConcurrentDictionary<string, int> _store = new(StringComparer.Ordinal);
        private readonly object _logGate = new();

        public KvTools()
        {
            All =
            [
                new KvFunction("read", KeySchema, this, (key, _) => new { key, value = _store.GetValueOrDefault(key), link = Link(key) }),
                new KvFunction("write", KeySchema, this, (key, value) => { _store[key] = value; return new { key, value, link = Link(key) }; }),
                new KvFunction("incr", KeySchema, this, (key, _) => new { key, value = _store.AddOrUpdate(key, 1, (_, v) => v + 1), link = Link(key) }),
                new KvFunction("keys", KeysSchema, this, null),
            ];
        }

        public AIFunction[] All { get; }

        public List<string> Log { get; } = [];

        public Action<string, string>? OnStart { get; set; }

        public Func<string, CancellationToken, Task>? OnStartAsync { get; set; }

        public string? Read(string key) => _store.TryGetValue(key, out int v) ? v.ToString(System.Globalization.CultureInfo.InvariantCulture) : null;

        public ParallelInvocationOptions Options(List<BatchReport> reports) => new ParallelInvocationOptions
        {
            OnBatchCompleted = r => { lock (reports) { reports.Add(r); } },
        }
        .Declare("read", FunctionEffects.Reading("kv/{key}"))
        .Declare("write", FunctionEffects.Writing("kv/{key}"))
        .Declare("incr", FunctionEffects.Writing("kv/{key}"))
        .Declare("keys", FunctionEffects.Pure);

        private static string Link(string key) => key == "a" ? "b" : "a";

        private void Record(string entry)
        {
            lock (_logGate)
            {
                Log.Add(entry);
            }
        }

        private sealed class KvFunction(string name, JsonElement schema, KvTools owner, Func<string, int, object>? body) : AIFunction
        {
            public override string Name => name;

            public override JsonElement JsonSchema => schema;

            protected override async ValueTask<object?> InvokeCoreAsync(AIFunctionArguments arguments, CancellationToken cancellationToken)
            {
                if (body is null)
                {
                    return arguments["keys"];
                }

                string key = ((JsonElement)arguments["key"]!).GetString()!;
                string tag = arguments.TryGetValue("tag", out var t) && t is JsonElement te ? te.GetString()! : name;
                int value = arguments.TryGetValue("value", out var v) && v is JsonElement ve ? ve.GetInt32() : 0;
                owner.Record("start " + tag);
                owner.OnStart?.Invoke(tag, key);
                if (owner.OnStartAsync is { } hook)
                {
                    await hook(tag, cancellationToken);
                }

                await Task.Yield();
                object result = body(key, value);
                owner.Record("end " + tag);
                return result;
            }
        }
    }
}
