using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;
using SemanticKernel.ParallelInvocation;

namespace ParallelSK.Demo.Shop;

/// <summary>
/// The shop's tools. Each declares what it reads and writes with ParallelSK's attributes; each takes a simulated latency of a few
/// units (see <see cref="LatencyUnit"/>). Like remote services, they read their inputs when called and commit their writes when done.
/// </summary>
internal sealed class ShopTools(ShopStore store, TimeSpan latencyUnit)
{
    public TimeSpan LatencyUnit { get; } = latencyUnit;

    public IReadOnlyList<AIFunction> All() =>
    [
        AIFunctionFactory.Create(GetCustomerAsync, "get_customer", "Gets a customer's name, loyalty tier and email."),
        AIFunctionFactory.Create(CheckFraudAsync, "check_fraud", "Scores a customer's fraud risk."),
        AIFunctionFactory.Create(ReserveStockAsync, "reserve_stock", "Reserves units of a product from the warehouse."),
        AIFunctionFactory.Create(GetStockAsync, "get_stock", "Gets the units of a product left in the warehouse."),
        AIFunctionFactory.Create(GetPriceAsync, "get_price", "Gets a product's unit price in USD."),
        AIFunctionFactory.Create(EstimateShippingAsync, "estimate_shipping", "Estimates delivery time to a ZIP code."),
        AIFunctionFactory.Create(CreateOrderAsync, "create_order", "Creates an order; items look like 'widget:3,gadget:2'."),
        AIFunctionFactory.Create(ApplyDiscountAsync, "apply_discount", "Applies a percentage discount to an order."),
        AIFunctionFactory.Create(GetOrderAsync, "get_order", "Gets an order's total."),
        AIFunctionFactory.Create(AddLoyaltyPointsAsync, "add_loyalty_points", "Adds loyalty points to a customer's balance."),
        AIFunctionFactory.Create(SendConfirmationAsync, "send_confirmation", "Emails the order confirmation to the customer."),
    ];

    [ReadsResource("customers/{customerId}")]
    public async Task<string> GetCustomerAsync(string customerId, CancellationToken cancellationToken)
    {
        var customer = store.Customer(customerId);
        await Latency(2, cancellationToken);
        return customer is { } c ? $"{c.Name}, tier {c.Tier}, {c.Email}" : throw new InvalidOperationException($"customer {customerId} not found");
    }

    [ReadsResource("customers/{customerId}/risk")]
    public async Task<string> CheckFraudAsync(string customerId, CancellationToken cancellationToken)
    {
        await Latency(3, cancellationToken);
        return $"{customerId}: low risk";
    }

    [WritesResource("inventory/{sku}")]
    public async Task<string> ReserveStockAsync(string sku, [Description("Units to reserve")] int quantity, CancellationToken cancellationToken)
    {
        int stock = store.Stock(sku) ?? throw new InvalidOperationException($"unknown product {sku}");
        await Latency(3, cancellationToken);
        if (stock < quantity)
        {
            throw new InvalidOperationException($"only {stock} {sku} left");
        }

        store.SetStock(sku, stock - quantity);
        return $"reserved {quantity} {sku}";
    }

    [ReadsResource("inventory/{sku}")]
    public async Task<int> GetStockAsync(string sku, CancellationToken cancellationToken)
    {
        int stock = store.Stock(sku) ?? throw new InvalidOperationException($"unknown product {sku}");
        await Latency(1, cancellationToken);
        return stock;
    }

    [ReadsResource("catalog/{sku}")]
    public async Task<decimal> GetPriceAsync(string sku, CancellationToken cancellationToken)
    {
        decimal price = store.Price(sku) ?? throw new InvalidOperationException($"unknown product {sku}");
        await Latency(1, cancellationToken);
        return price;
    }

    [PureFunction]
    public async Task<string> EstimateShippingAsync(string zip, CancellationToken cancellationToken)
    {
        await Latency(2, cancellationToken);
        return $"2 days to {zip}";
    }

    [ReadsResource("catalog")]
    [WritesResource("orders/{orderId}")]
    public async Task<string> CreateOrderAsync(string orderId, string customerId, string items, CancellationToken cancellationToken)
    {
        var lines = items.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(i => i.Split(':'))
            .ToDictionary(p => p[0], p => int.Parse(p[1], CultureInfo.InvariantCulture), StringComparer.Ordinal);
        decimal total = lines.Sum(l => l.Value * (store.Price(l.Key) ?? throw new InvalidOperationException($"unknown product {l.Key}")));
        await Latency(3, cancellationToken);
        store.SaveOrder(new Order(orderId, customerId, lines, total, 0));
        return string.Create(CultureInfo.InvariantCulture, $"order {orderId} created, total {total:0.00}");
    }

    [WritesResource("orders/{orderId}")]
    public async Task<string> ApplyDiscountAsync(string orderId, int percent, CancellationToken cancellationToken)
    {
        var order = store.FindOrder(orderId);
        await Latency(2, cancellationToken);
        var found = order ?? throw new InvalidOperationException($"order {orderId} not found");
        store.SaveOrder(found with { Total = found.Total * (100 - percent) / 100, DiscountPercent = percent });
        return $"{percent}% off order {orderId}";
    }

    [ReadsResource("orders/{orderId}")]
    public async Task<string> GetOrderAsync(string orderId, CancellationToken cancellationToken)
    {
        var order = store.FindOrder(orderId);
        await Latency(1, cancellationToken);
        var found = order ?? throw new InvalidOperationException($"order {orderId} not found");
        return string.Create(CultureInfo.InvariantCulture, $"order {orderId}: total {found.Total:0.00} USD, {found.DiscountPercent}% discount");
    }

    [WritesResource("loyalty/{customerId}")]
    public async Task<int> AddLoyaltyPointsAsync(string customerId, int points, CancellationToken cancellationToken)
    {
        int balance = store.Points(customerId);
        await Latency(2, cancellationToken);
        store.SetPoints(customerId, balance + points);
        return balance + points;
    }

    [ReadsResource("orders/{orderId}", "customers/{customerId}")]
    [WritesResource("outbox/{customerId}")]
    public async Task<string> SendConfirmationAsync(string orderId, string customerId, CancellationToken cancellationToken)
    {
        var order = store.FindOrder(orderId);
        await Latency(2, cancellationToken);
        var found = order ?? throw new InvalidOperationException($"order {orderId} not found");
        string message = string.Create(CultureInfo.InvariantCulture, $"to {customerId}: order {found.Id}, {found.Total:0.00} USD");
        store.Send(message);
        return $"sent {message}";
    }

    private Task Latency(int units, CancellationToken cancellationToken) => Task.Delay(LatencyUnit * units, cancellationToken);
}
