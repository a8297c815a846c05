using System.Text.Json;

namespace SemanticKernel.ParallelInvocation.Plans;

/// <summary>What the model is told about the plan tool: its description and its JSON schema.</summary>
internal static class PlanToolText
{
    public const string Description =
        """
        Runs a plan: several function calls in one turn, including calls that need the results of earlier ones, so you need not wait a turn for each.
        Steps are numbered 1, 2, 3... in the order given; a step may use only the results of steps before it.
        In arguments, the string "$2" is replaced by step 2's result and "$2.items[0].id" by a value inside it; references also work inside text ("total: $1.sum"); write $$ for a literal $.
        "for_each": "$1.items" calls the function once per element of that array, "$item" (or "$item.id") standing for the element; the step's result is the array of the calls' results.
        Example: {"steps":[{"function":"find_orders","arguments":{"customer":"acme"}},{"function":"get_order","for_each":"$1.orders","arguments":{"id":"$item.id"}},{"function":"sum","arguments":{"values":"$2"}}]}
        Independent steps run at the same time; steps that touch the same data run in the given order.
        You get one result listing each step's status and result, or why it did not run; answer from it, or plan again.
        """;

    /// <summary>The schema, without the layout whitespace of its source (it is sent with every request).</summary>
    public static readonly JsonElement Schema = Minified(
        """
        {
          "type": "object",
          "properties": {
            "steps": {
              "type": "array",
              "description": "The steps in order, step 1 first.",
              "items": {
                "type": "object",
                "properties": {
                  "function": { "type": "string", "description": "The name of one of your functions." },
                  "arguments": { "type": "object", "description": "The function's arguments. A string \"$N\" or \"$N.path\" stands for step N's result or a value inside it." },
                  "for_each": { "type": "string", "description": "Optional: \"$N\" or \"$N.path\" naming an array; the function is called once per element, which \"$item\" stands for in arguments." }
                },
                "required": [ "function", "arguments" ]
              }
            }
          },
          "required": [ "steps" ]
        }
        """);

    private static JsonElement Minified(string json)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            PlanJson.Parse(json).WriteTo(writer);
        }

        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        return document.RootElement.Clone();
    }
}
