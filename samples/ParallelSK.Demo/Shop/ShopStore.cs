using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace ParallelSK.Demo.Shop;

/// <summary>An order placed through the shop.</summary>
internal sealed record Order(string Id, string CustomerId, IReadOnlyDictionary<string, int> Items, decimal Total, int DiscountPercent);

/// <summary>
/// The shared in-memory state the demo's tools work on. Each operation is atomic; the tools, like real services, read at the start of
/// a call and commit at the end, so two calls that overlap in time can see or overwrite each other's state.
/// </summary>
internal sealed class ShopStore
{
    private readonly object _gate = new();
    private readonly Dictionary<string, int> _stock = new(StringComparer.Ordinal) { ["widget"] = 10, ["gadget"] = 5 };
    private readonly Dictionary<string, decimal> _prices = new(StringComparer.Ordinal) { ["widget"] = 25.00m, ["gadget"] = 40.00m };
    private readonly Dictionary<string, (string Name, string Tier, string Email)> _customers = new(StringComparer.Ordinal)
    {
        ["c-42"] = ("Ada Lovelace", "gold", "ada@example.com"),
    };

    private readonly Dictionary<string, Order> _orders = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _points = new(StringComparer.Ordinal) { ["c-42"] = 120 };
    private readonly List<string> _outbox = [];

    public int? Stock(string sku) => Locked(() => _stock.TryGetValue(sku, out int n) ? n : (int?)null);

    public void SetStock(string sku, int quantity) => Locked(() => _stock[sku] = quantity);

    public decimal? Price(string sku) => Locked(() => _prices.TryGetValue(sku, out decimal p) ? p : (decimal?)null);

    public (string Name, string Tier, string Email)? Customer(string id) =>
        Locked(() => _customers.TryGetValue(id, out var c) ? c : ((string, string, string)?)null);

    public Order? FindOrder(string id) => Locked(() => _orders.GetValueOrDefault(id));

    public void SaveOrder(Order order) => Locked(() => _orders[order.Id] = order);

    public int Points(string customerId) => Locked(() => _points.GetValueOrDefault(customerId));

    public void SetPoints(string customerId, int points) => Locked(() => _points[customerId] = points);

    public void Send(string message) => Locked(() => { _outbox.Add(message); return 0; });

    /// <summary>Describes the whole state, one fact per line, so two runs can be compared.</summary>
    public IReadOnlyList<string> Snapshot() => Locked(() =>
    {
        var lines = new List<string>();
        lines.AddRange(_stock.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"stock {p.Key} = {p.Value}"));
        lines.AddRange(_orders.Values.OrderBy(o => o.Id, StringComparer.Ordinal).Select(o =>
            string.Create(CultureInfo.InvariantCulture, $"order {o.Id} total = {o.Total:0.00}, discount = {o.DiscountPercent}%")));
        lines.AddRange(_points.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"points {p.Key} = {p.Value}"));
        lines.AddRange(_outbox.Select(m => $"outbox: {m}"));
        return (IReadOnlyList<string>)lines;
    });

    private T Locked<T>(Func<T> action)
    {
        lock (_gate)
        {
            return action();
        }
    }
}
