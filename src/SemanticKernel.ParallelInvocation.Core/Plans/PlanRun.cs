using System;
using System.Buffers;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Text.Json;

namespace SemanticKernel.ParallelInvocation.Plans;

/// <summary>
/// The state of one plan as it runs: each step's output once it succeeded, and the inputs made from them. A step's output is written
/// by the step's own invocation before its outcome is decided, and read only by steps that wait for it (a data edge), so the engine's
/// scheduling orders every write before its reads.
/// </summary>
internal sealed class PlanRun
{
    private readonly JsonElement?[] _outputs;
    private readonly string?[] _inputErrors;
    private readonly BatchReport?[] _calls;

    public PlanRun(string callId, IReadOnlyList<PlanStep> steps)
    {
        CallId = callId;
        Steps = steps;
        _outputs = new JsonElement?[steps.Count];
        _inputErrors = new string?[steps.Count];
        _calls = new BatchReport?[steps.Count];
    }

    /// <summary>Gets the id of the plan call.</summary>
    public string CallId { get; }

    /// <summary>Gets the steps, in order; step <c>n</c> is at index <c>n - 1</c>.</summary>
    public IReadOnlyList<PlanStep> Steps { get; }

    public void SetOutput(int step, object? result) => _outputs[step - 1] = PlanJson.ToElement(result);

    public JsonElement? Output(int step) => _outputs[step - 1];

    public void SetInputError(int step, string message) => _inputErrors[step - 1] = message;

    /// <summary>Gets the reason the step's input could not be made, if that is why it failed.</summary>
    public string? InputError(int step) => _inputErrors[step - 1];

    public void SetCalls(int step, BatchReport report) => _calls[step - 1] = report;

    /// <summary>Gets the report of a step that ran as a nested batch (a fan-out), once it ran.</summary>
    public BatchReport? Calls(int step) => _calls[step - 1];

    /// <summary>The step's arguments with every reference replaced, each bound to its parameter's type.</summary>
    /// <exception cref="PlanInputException">A reference's path is not in the output it refers to.</exception>
    public Dictionary<string, object?> Arguments(PlanStep step, JsonElement? item)
    {
        var arguments = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (name, argument) in step.Arguments)
        {
            var value = Evaluate(argument, item);
            arguments[name] = argument is PlanArgument.Literal ? value : PlanValueBinder.Bind(step.Function, name, value);
        }

        return arguments;
    }

    /// <summary>The arguments known before anything runs: the literal ones. The others are absent, so key templates over them stop short (an ancestor of every key they could name).</summary>
    public static Dictionary<string, object?> LiteralArguments(PlanStep step)
    {
        var arguments = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (name, argument) in step.Arguments)
        {
            if (argument is PlanArgument.Literal literal)
            {
                arguments[name] = literal.Value;
            }
        }

        return arguments;
    }

    /// <summary>The elements a fan-out step calls its function for.</summary>
    /// <exception cref="PlanInputException">The reference does not lead to an array.</exception>
    public JsonElement[] Elements(PlanStep step)
    {
        var value = PlanJson.Structured(Resolve(step.ForEach!, null));
        if (value.ValueKind != JsonValueKind.Array)
        {
            throw new PlanInputException($"\"for_each\": {step.ForEach} is {PlanJson.Describe(value.ValueKind)}, not an array");
        }

        return [.. value.EnumerateArray()];
    }

    /// <summary>The value a reference names.</summary>
    /// <exception cref="PlanInputException">The path is not in that value.</exception>
    public JsonElement Resolve(PlanReference reference, JsonElement? item)
    {
        JsonElement value;
        if (reference.IsItem)
        {
            value = item ?? throw new PlanInputException($"{reference} is used outside a \"for_each\" step");
        }
        else
        {
            value = _outputs[reference.Step - 1] ?? throw new PlanInputException($"{reference}: step {reference.Step} has no result");
        }

        string source = reference.IsItem ? "the element" : $"step {reference.Step}'s result";
        var walked = new StringBuilder(reference.IsItem ? "$item" : "$" + reference.Step);
        foreach (var segment in reference.Path)
        {
            value = PlanJson.Structured(value);
            if (segment.Property is { } name)
            {
                if (value.ValueKind != JsonValueKind.Object)
                {
                    throw new PlanInputException($"{reference}: {walked} in {source} is {PlanJson.Describe(value.ValueKind)}, which has no property '{name}'");
                }

                if (!value.TryGetProperty(name, out var next))
                {
                    var match = value.EnumerateObject().FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase));
                    if (match.Value.ValueKind == JsonValueKind.Undefined)
                    {
                        string known = string.Join(", ", value.EnumerateObject().Select(p => p.Name).Take(20));
                        throw new PlanInputException($"{reference}: {walked} in {source} has no property '{name}' (it has: {(known.Length == 0 ? "none" : known)})");
                    }

                    next = match.Value;
                }

                value = next;
            }
            else
            {
                if (value.ValueKind != JsonValueKind.Array)
                {
                    throw new PlanInputException($"{reference}: {walked} in {source} is {PlanJson.Describe(value.ValueKind)}, not an array");
                }

                int length = value.GetArrayLength();
                int index = segment.Index < 0 ? length + segment.Index : segment.Index;
                if (index < 0 || index >= length)
                {
                    throw new PlanInputException($"{reference}: {walked} in {source} has {length} element{(length == 1 ? string.Empty : "s")}, so there is no element {segment}");
                }

                value = value[index];
            }

            walked.Append(segment.ToString());
        }

        return value;
    }

    private JsonElement Evaluate(PlanArgument argument, JsonElement? item)
    {
        switch (argument)
        {
            case PlanArgument.Literal literal:
                return literal.Value;
            case PlanArgument.Whole whole:
                return Resolve(whole.Reference, item);
            case PlanArgument.Text text:
                var sb = new StringBuilder(text.Parts[0]);
                for (int i = 0; i < text.Refs.Length; i++)
                {
                    sb.Append(PlanJson.TextOf(Resolve(text.Refs[i], item))).Append(text.Parts[i + 1]);
                }

                return PlanJson.String(sb.ToString());
            default:
                return Write(argument, item);
        }
    }

    private JsonElement Write(PlanArgument argument, JsonElement? item)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            WriteValue(writer, argument, item);
        }

        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        return document.RootElement.Clone();
    }

    private void WriteValue(Utf8JsonWriter writer, PlanArgument argument, JsonElement? item)
    {
        switch (argument)
        {
            case PlanArgument.Object obj:
                writer.WriteStartObject();
                foreach (var (name, value) in obj.Properties)
                {
                    writer.WritePropertyName(name);
                    WriteValue(writer, value, item);
                }

                writer.WriteEndObject();
                break;
            case PlanArgument.Array array:
                writer.WriteStartArray();
                foreach (var value in array.Items)
                {
                    WriteValue(writer, value, item);
                }

                writer.WriteEndArray();
                break;
            default:
                Evaluate(argument, item).WriteTo(writer);
                break;
        }
    }
}
