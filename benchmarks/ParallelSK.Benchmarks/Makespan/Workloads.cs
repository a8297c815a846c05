using System.Collections.Generic;
using SemanticKernel.ParallelInvocation;

namespace ParallelSK.Benchmarks.Makespan;

/// <summary>The workload shapes of the makespan harness.</summary>
internal static class Workloads
{
    private static readonly ToolDef Weather = new("get_weather", SimKind.Read, FunctionEffects.Reading("{*key}"));
    private static readonly ToolDef StockPrice = new("get_stock_price", SimKind.Read, FunctionEffects.Reading("{*key}"));
    private static readonly ToolDef ExchangeRate = new("get_exchange_rate", SimKind.Read, FunctionEffects.Reading("{*key}"));
    private static readonly ToolDef GetBalance = new("get_balance", SimKind.Read, FunctionEffects.Reading("{*key}"));
    private static readonly ToolDef Deposit = new("deposit", SimKind.Increment, FunctionEffects.Writing("{*key}"));
    private static readonly ToolDef ReadFile = new("read_file", SimKind.Read, FunctionEffects.Reading("{*key}"));
    private static readonly ToolDef WriteFile = new("write_file", SimKind.Increment, FunctionEffects.Writing("{*key}"));
    private static readonly ToolDef ListDir = new("list_dir", SimKind.List, FunctionEffects.Reading("{*key}"));
    private static readonly ToolDef Search = new("search", SimKind.RateLimited, FunctionEffects.Reading("api/search").InConcurrencyGroup("search"));
    private static readonly ToolDef Checkpoint = new("checkpoint_all", SimKind.Checkpoint, FunctionEffects.Exclusive);

    public static IReadOnlyList<Workload> All { get; } =
    [
        new("fan-out: 8 independent reads", [Weather],
            [S("get_weather", "weather/paris", 120), S("get_weather", "weather/tokyo", 80), S("get_weather", "weather/lima", 150), S("get_weather", "weather/oslo", 100),
             S("get_weather", "weather/cairo", 200), S("get_weather", "weather/delhi", 90), S("get_weather", "weather/quito", 110), S("get_weather", "weather/perth", 130)],
            Seed(("weather/paris", 18), ("weather/tokyo", 22))),
        new("BFCL parallel: 2 lookups", [Weather],
            [S("get_weather", "weather/boston", 150), S("get_weather", "weather/sf", 120)],
            Seed(("weather/boston", 9), ("weather/sf", 15))),
        new("BFCL parallel-multiple: 4 lookups", [Weather, StockPrice, ExchangeRate],
            [S("get_weather", "weather/nyc", 150), S("get_stock_price", "stocks/AAPL", 100), S("get_stock_price", "stocks/MSFT", 120), S("get_exchange_rate", "fx/EUR-USD", 80)],
            Seed(("stocks/AAPL", 230), ("stocks/MSFT", 410), ("fx/EUR-USD", 108))),
        new("reads + writes on shared keys", [GetBalance, Deposit],
            [S("get_balance", "acct/a", 80), S("deposit", "acct/a", 120), S("get_balance", "acct/a", 80), S("get_balance", "acct/b", 80), S("deposit", "acct/b", 120),
             S("get_balance", "acct/c", 100), S("deposit", "acct/a", 120), S("get_balance", "acct/b", 80), S("get_balance", "acct/c", 100)],
            Seed(("acct/a", 100), ("acct/b", 50), ("acct/c", 10))),
        new("write chain: 6 updates of one key", [GetBalance, Deposit],
            [S("deposit", "acct/x", 60), S("deposit", "acct/x", 60), S("deposit", "acct/x", 60), S("get_balance", "acct/y", 300),
             S("deposit", "acct/x", 60), S("deposit", "acct/x", 60), S("deposit", "acct/x", 60), S("get_balance", "acct/x", 50)],
            Seed(("acct/x", 0), ("acct/y", 7))),
        new("path-scoped file operations", [ReadFile, WriteFile, ListDir],
            [S("write_file", "fs:/repo/src/a.cs", 120), S("write_file", "fs:/repo/src/b.cs", 120), S("read_file", "fs:/repo/src/a.cs", 60), S("list_dir", "fs:/repo/src", 80),
             S("write_file", "fs:/repo/docs/readme.md", 150), S("read_file", "fs:/repo/docs/readme.md", 60), S("list_dir", "fs:/repo/tests", 80), S("read_file", "fs:/repo/LICENSE", 50)],
            Seed(("fs:/repo/src/a.cs", 1), ("fs:/repo/tests/t.cs", 1), ("fs:/repo/LICENSE", 1))),
        new($"rate-limited group (limit {Workload.ApiLimit})", [Search, Weather],
            [S("search", "q1", 100), S("search", "q2", 100), S("search", "q3", 100), S("search", "q4", 100), S("get_weather", "weather/rome", 100),
             S("search", "q5", 100), S("search", "q6", 100), S("get_weather", "weather/nice", 100)],
            Seed()),
        new("exclusive call in the middle", [GetBalance, Deposit, Checkpoint],
            [S("get_balance", "acct/a", 100), S("deposit", "acct/b", 100), S("get_balance", "acct/c", 100), S("checkpoint_all", "total", 100),
             S("get_balance", "acct/a", 100), S("deposit", "acct/a", 100), S("get_balance", "total", 100)],
            Seed(("acct/a", 100), ("acct/b", 50), ("acct/c", 10))),
    ];

    private static Step S(string tool, string key, int ms) => new(tool, key, ms);

    private static Dictionary<string, long> Seed(params (string Key, long Value)[] values)
    {
        var seed = new Dictionary<string, long>(System.StringComparer.Ordinal);
        foreach (var (key, value) in values)
        {
            seed[key] = value;
        }

        return seed;
    }
}
