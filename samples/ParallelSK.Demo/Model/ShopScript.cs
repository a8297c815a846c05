using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace ParallelSK.Demo.Model;

/// <summary>
/// The demo conversation: what the user asks, and the turns a model that batches its tool calls would take. The final answer is
/// written from the tool results it got, so stale reads and failed calls show up in it.
/// </summary>
internal static class ShopScript
{
    public const string UserPrompt =
        "Ada (customer c-42) wants 3 widgets and 2 gadgets shipped to 94107. Reserve them, place order A-1001 with her loyalty discount, " +
        "add her loyalty points, email the confirmation, and tell me the total, the stock left and when it ships.";

    public static IReadOnlyList<Func<IReadOnlyList<ChatMessage>, ChatMessage>> Turns { get; } = [LookUpAndReserve, PlaceOrder, Answer];

    private static ChatMessage LookUpAndReserve(IReadOnlyList<ChatMessage> history) => Calls(
        Call("c1", "get_customer", ("customerId", "c-42")),
        Call("c2", "check_fraud", ("customerId", "c-42")),
        Call("c3", "reserve_stock", ("sku", "widget"), ("quantity", 3)),
        Call("c4", "reserve_stock", ("sku", "gadget"), ("quantity", 2)),
        Call("c5", "get_stock", ("sku", "widget")),
        Call("c6", "get_stock", ("sku", "gadget")),
        Call("c7", "get_price", ("sku", "widget")),
        Call("c8", "get_price", ("sku", "gadget")),
        Call("c9", "estimate_shipping", ("zip", "94107")));

    private static ChatMessage PlaceOrder(IReadOnlyList<ChatMessage> history)
    {
        int discount = ResultOf(history, "c1").Contains("tier gold", StringComparison.Ordinal) ? 10 : 0;
        return Calls(
            Call("d1", "create_order", ("orderId", "A-1001"), ("customerId", "c-42"), ("items", "widget:3,gadget:2")),
            Call("d2", "apply_discount", ("orderId", "A-1001"), ("percent", discount)),
            Call("d3", "get_order", ("orderId", "A-1001")),
            Call("d4", "add_loyalty_points", ("customerId", "c-42"), ("points", 155)),
            Call("d5", "send_confirmation", ("orderId", "A-1001"), ("customerId", "c-42")));
    }

    private static ChatMessage Answer(IReadOnlyList<ChatMessage> history) => new(ChatRole.Assistant, string.Join('\n',
        $"Order: {ResultOf(history, "d3")}",
        $"Stock left: widget {ResultOf(history, "c5")}, gadget {ResultOf(history, "c6")}",
        $"Loyalty points: {ResultOf(history, "d4")}",
        $"Shipping: {ResultOf(history, "c9")}",
        $"Confirmation: {ResultOf(history, "d5")}"));

    /// <summary>The text of a tool result, as a model would read it.</summary>
    public static string ResultOf(IEnumerable<ChatMessage> history, string callId)
    {
        var result = history.SelectMany(m => m.Contents).OfType<FunctionResultContent>().LastOrDefault(r => r.CallId == callId);
        return result?.Result switch
        {
            null => "(no result)",
            string s => s,
            JsonElement { ValueKind: JsonValueKind.String } e => e.GetString() ?? string.Empty,
            JsonElement e => e.GetRawText(),
            var other => other.ToString() ?? string.Empty,
        };
    }

    private static ChatMessage Calls(params FunctionCallContent[] calls) => new(ChatRole.Assistant, [.. calls]);

    private static FunctionCallContent Call(string id, string name, params (string Name, object Value)[] arguments) =>
        new(id, name, arguments.ToDictionary(a => a.Name, a => (object?)a.Value, StringComparer.Ordinal));
}
