using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;
using SemanticKernel.ParallelInvocation;

namespace ParallelSK.Demo.Plans;

/// <summary>The plan scenario's tools: orders, an exchange rate and loyalty points, each with a simulated latency and true declarations.</summary>
internal sealed class LoyaltyTools(TimeSpan latencyUnit)
{
    private static readonly Dictionary<string, decimal> Totals = new(StringComparer.Ordinal) { ["A-1001"] = 123.50m, ["A-1002"] = 40.00m, ["A-1003"] = 86.25m };

    private readonly ConcurrentDictionary<string, int> _points = new(StringComparer.Ordinal) { ["c-42"] = 300 };
    private readonly ConcurrentQueue<string> _outbox = new();

    public IReadOnlyList<AIFunction> All() =>
    [
        AIFunctionFactory.Create(ListOrdersAsync, "list_orders", "Lists a customer's order ids."),
        AIFunctionFactory.Create(GetOrderTotalAsync, "get_order_total", "Gets an order's total in USD."),
        AIFunctionFactory.Create(GetRateAsync, "get_exchange_rate", "Gets the USD to a currency exchange rate."),
        AIFunctionFactory.Create(Sum, "sum", "Adds numbers."),
        AIFunctionFactory.Create(Convert, "convert", "Converts an amount with a rate."),
        AIFunctionFactory.Create(GetPointsAsync, "get_points", "Gets a customer's loyalty points."),
        AIFunctionFactory.Create(AddPointsAsync, "add_points", "Adds loyalty points for an amount spent, one a dollar; returns the new balance."),
        AIFunctionFactory.Create(SendMessageAsync, "send_message", "Emails the customer."),
    ];

    public IReadOnlyList<string> Outbox => [.. _outbox];

    [ReadsResource("orders/{customerId}")]
    public async Task<string[]> ListOrdersAsync(string customerId, CancellationToken cancellationToken)
    {
        await Latency(2, cancellationToken);
        return customerId == "c-42" ? [.. Totals.Keys] : [];
    }

    [ReadsResource("orders/{orderId}")]
    public async Task<decimal> GetOrderTotalAsync(string orderId, CancellationToken cancellationToken)
    {
        await Latency(2, cancellationToken);
        return Totals[orderId];
    }

    [ReadsResource("fx/{currency}")]
    public async Task<decimal> GetRateAsync(string currency, CancellationToken cancellationToken)
    {
        await Latency(3, cancellationToken);
        return currency == "EUR" ? 0.92m : 1m;
    }

    [PureFunction]
    public static decimal Sum(decimal[] values) => values.Sum();

    [PureFunction]
    public static decimal Convert(decimal amount, decimal rate) => Math.Round(amount * rate, 2);

    [ReadsResource("loyalty/{customerId}")]
    public async Task<int> GetPointsAsync(string customerId, CancellationToken cancellationToken)
    {
        int points = _points.GetValueOrDefault(customerId);
        await Latency(1, cancellationToken);
        return points;
    }

    [WritesResource("loyalty/{customerId}")]
    public async Task<int> AddPointsAsync(string customerId, decimal amount, CancellationToken cancellationToken)
    {
        int points = _points.GetValueOrDefault(customerId);
        await Latency(2, cancellationToken);
        _points[customerId] = points + (int)amount;
        return points + (int)amount;
    }

    [WritesResource("outbox/{customerId}")]
    public async Task<string> SendMessageAsync(string customerId, string text, CancellationToken cancellationToken)
    {
        await Latency(1, cancellationToken);
        _outbox.Enqueue($"to {customerId}: {text}");
        return "sent";
    }

    private Task Latency(int units, CancellationToken cancellationToken) => Task.Delay(latencyUnit * units, cancellationToken);
}
