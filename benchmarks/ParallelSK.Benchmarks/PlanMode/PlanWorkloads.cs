using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using SemanticKernel.ParallelInvocation;

namespace ParallelSK.Benchmarks.PlanMode;

/// <summary>The workloads: k-step chains, a fan-out over a lookup's results, an 8-file code review, a ParallelQA-style comparison.</summary>
internal static class PlanWorkloads
{
    public static IReadOnlyList<PlanWorkload> All { get; } = [.. Enumerable.Range(2, 5).Select(Chain), FanOut(), CodeReview(), CompareAndCompute()];

    /// <summary>A k-step chain (HotpotQA-like multi-hop): each lookup needs the previous one's answer.</summary>
    private static PlanWorkload Chain(int k)
    {
        var hop = new PlanToolSpec("lookup", 400, FunctionEffects.Reading("kb/{entity}"), (string entity) => new Hop(entity, entity + "'"));
        var steps = new StringBuilder("[{\"function\":\"lookup\",\"arguments\":{\"entity\":\"Ada\"}}");
        for (int i = 2; i <= k; i++)
        {
            steps.Append(CultureInfo.InvariantCulture, $",{{\"function\":\"lookup\",\"arguments\":{{\"entity\":\"${i - 1}.next\"}}}}");
        }

        return new($"{k}-step chain", "Follow the chain of lookups from Ada.", [hop], steps.Append(']').ToString(), k);
    }

    /// <summary>Fan-out over a lookup's results: find a customer's 8 orders, get each order's total, add them up.</summary>
    private static PlanWorkload FanOut()
    {
        var search = new PlanToolSpec("search_orders", 600, FunctionEffects.Reading("orders"), (string customer) => new OrderList([.. Enumerable.Range(1, 8).Select(i => new OrderRef($"{customer}-{i}"))]));
        var total = new PlanToolSpec("get_order_total", 400, FunctionEffects.Reading("orders/{orderId}"), (string orderId) => 10.0 * (orderId.Length + orderId[^1] - '0'));
        var sum = new PlanToolSpec("sum", 20, FunctionEffects.Pure, (double[] values) => values.Sum());
        return new("fan-out: 8 orders of a lookup", "What did acme spend on its orders?", [search, total, sum], """
            [{"function":"search_orders","arguments":{"customer":"acme"}},
             {"function":"get_order_total","for_each":"$1.orders","arguments":{"orderId":"$item.id"}},
             {"function":"sum","arguments":{"values":"$2"}}]
            """, 1 + 8 + 1);
    }

    /// <summary>An 8-file code review, 24 calls: read and lint each file, then post a review built from both.</summary>
    private static PlanWorkload CodeReview()
    {
        var read = new PlanToolSpec("read_file", 150, FunctionEffects.Reading("fs:/repo/{path}"), (string path) => new FileInfo(path, 40 + path.Length, $"{path}: parses input, no tests"));
        var lint = new PlanToolSpec("lint_file", 900, FunctionEffects.Reading("fs:/repo/{path}"), (string path) => new LintInfo(path.Length % 4));
        var post = new PlanToolSpec("post_review", 300, FunctionEffects.Writing("pr/comments/{path}"), (string path, string summary, int issues) => $"posted on {path}: {issues} issues; {summary}");
        string[] files = ["src/parser.cs", "src/lexer.cs", "src/ast.cs", "src/eval.cs", "src/types.cs", "src/errors.cs", "src/cli.cs", "src/io.cs"];
        var steps = new List<string>();
        for (int i = 0; i < files.Length; i++)
        {
            steps.Add($"{{\"function\":\"read_file\",\"arguments\":{{\"path\":\"{files[i]}\"}}}}");
            steps.Add($"{{\"function\":\"lint_file\",\"arguments\":{{\"path\":\"{files[i]}\"}}}}");
            steps.Add(string.Create(CultureInfo.InvariantCulture, $"{{\"function\":\"post_review\",\"arguments\":{{\"path\":\"{files[i]}\",\"summary\":\"${(3 * i) + 1}.summary\",\"issues\":\"${(3 * i) + 2}.issues\"}}}}"));
        }

        return new("code review: 8 files, 24 calls", "Review the 8 changed files and post a comment on each.", [read, lint, post], "[" + string.Join(",", steps) + "]", 24);
    }

    /// <summary>ParallelQA-style: compare two countries' population density (two lookups each, a division each, then a ratio).</summary>
    private static PlanWorkload CompareAndCompute()
    {
        var search = new PlanToolSpec("web_search", 700, FunctionEffects.Reading("web/{query}"), (string query) => new Fact(query, 1000 + (query.Length * 37)));
        var divide = new PlanToolSpec("divide", 20, FunctionEffects.Pure, (double a, double b) => Math.Round(a / b, 4));
        return new("compare and compute (ParallelQA)", "How many times denser is France than Spain?", [search, divide], """
            [{"function":"web_search","arguments":{"query":"population of France"}},
             {"function":"web_search","arguments":{"query":"area of France"}},
             {"function":"web_search","arguments":{"query":"population of Spain"}},
             {"function":"web_search","arguments":{"query":"area of Spain"}},
             {"function":"divide","arguments":{"a":"$1.value","b":"$2.value"}},
             {"function":"divide","arguments":{"a":"$3.value","b":"$4.value"}},
             {"function":"divide","arguments":{"a":"$5","b":"$6"}}]
            """, 7);
    }

    internal sealed record Hop(string Entity, string Next);

    internal sealed record OrderRef(string Id);

    internal sealed record OrderList(OrderRef[] Orders);

    internal sealed record FileInfo(string Path, int Lines, string Summary);

    internal sealed record LintInfo(int Issues);

    internal sealed record Fact(string Query, double Value);
}
