using System;
using System.Buffers;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace SemanticKernel.ParallelInvocation.Plans;

/// <summary>
/// Writes the one result a plan call sends back: a line of totals, then each step's status with its result or the reason it has none,
/// as compact JSON. Step results are cut to fit <see cref="PlanToolOptions.MaxResultLength"/>, the longest first, so that short
/// results stay whole; statuses and errors are never cut.
/// </summary>
internal static class PlanResultWriter
{
    private const int MinimumShown = 48;

    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <param name="run">The plan's state.</param>
    /// <param name="outcomes">The outcomes of the plan's steps, in step order.</param>
    /// <param name="describeOther">Describes a call of the same batch outside the plan (by batch index) that a step had to follow, and how it ended.</param>
    /// <param name="offset">The batch index of step 1.</param>
    /// <param name="maxLength">The most characters to write.</param>
    public static string Write(PlanRun run, IReadOnlyList<ToolCallOutcome> outcomes, Func<int, string> describeOther, int offset, int maxLength)
    {
        var entries = new Entry[outcomes.Count];
        for (int i = 0; i < outcomes.Count; i++)
        {
            entries[i] = Describe(run, run.Steps[i], outcomes[i], outcomes, describeOther, offset);
        }

        string summary = Summary(outcomes);
        string skeleton = Render(summary, entries, cut: null);
        int resultChars = entries.Sum(static e => e.Result?.Length ?? 0);
        if (skeleton.Length + resultChars <= maxLength)
        {
            return Render(summary, entries, cut: int.MaxValue);
        }

        int cap = Cap([.. entries.Select(static e => e.Result?.Length ?? 0)], Math.Max(0, maxLength - skeleton.Length - (entries.Length * 60)));
        string text = Render(summary, entries, Math.Max(cap, MinimumShown));
        return text.Length <= maxLength ? text : text[..(maxLength - 24)] + " ...[cut: too long]";
    }

    /// <summary>The largest per-result length that fits every result into <paramref name="budget"/> when each is cut to it (water filling).</summary>
    private static int Cap(int[] lengths, int budget)
    {
        var sorted = lengths.Where(static l => l > 0).Order().ToArray();
        int remaining = budget;
        for (int i = 0; i < sorted.Length; i++)
        {
            int share = remaining / (sorted.Length - i);
            if (sorted[i] > share)
            {
                return share;
            }

            remaining -= sorted[i];
        }

        return int.MaxValue;
    }

    private static string Summary(IReadOnlyList<ToolCallOutcome> outcomes)
    {
        var counts = outcomes.GroupBy(static o => o.Status).OrderBy(static g => g.Key).Select(static g => $"{g.Count()} {StatusName(g.Key).Replace('_', ' ')}");
        return $"{outcomes.Count} step{(outcomes.Count == 1 ? string.Empty : "s")}: {string.Join(", ", counts)}";
    }

    private static Entry Describe(PlanRun run, PlanStep step, ToolCallOutcome outcome, IReadOnlyList<ToolCallOutcome> outcomes, Func<int, string> describeOther, int offset)
    {
        var calls = run.Calls(step.Number);
        string? result = null;
        string? error = null;
        Dictionary<int, string>? callErrors = null;
        if (outcome.Status == ToolCallStatus.Succeeded)
        {
            result = Compact(run.Output(step.Number) ?? PlanJson.ToElement(outcome.Result));
        }
        else if (outcome.Status == ToolCallStatus.Skipped && outcome.SkippedBecauseOf is int cause)
        {
            int causeStep = cause - offset + 1;
            error = causeStep >= 1 && causeStep <= outcomes.Count
                ? $"did not run, because step {causeStep} ('{run.Steps[causeStep - 1].FunctionName}') {Verb(outcomes[causeStep - 1].Status)} and this step {(step.Producers.Contains(causeStep) ? "needs its result" : "depends on it")}"
                : $"did not run, because it must follow {describeOther(cause)}";
        }
        else if (run.InputError(step.Number) is { } inputError)
        {
            error = "its input could not be made: " + inputError;
        }
        else if (calls is not null && step.ForEach is not null)
        {
            result = CallResults(calls, out callErrors);
            error = outcome.Status == ToolCallStatus.Succeeded ? null : $"{callErrors.Count} of {calls.Calls.Count} calls did not succeed";
        }
        else if (calls is not null)
        {
            error = calls.Calls[0].ErrorMessage ?? outcome.ErrorMessage;
        }
        else
        {
            error = outcome.ErrorMessage;
        }

        int? count = step.ForEach is not null && calls is not null ? calls.Calls.Count : null;
        var status = calls is not null && step.ForEach is null && outcome.Status == ToolCallStatus.Failed ? calls.Calls[0].Status : outcome.Status;
        return new Entry(step.Number, step.FunctionName, StatusName(status), count, result, error, callErrors);
    }

    /// <summary>A fan-out's results, one per call (null for a call that did not succeed), and each failed call's error by index.</summary>
    private static string CallResults(BatchReport calls, out Dictionary<int, string> errors)
    {
        errors = [];
        var sb = new StringBuilder("[");
        for (int k = 0; k < calls.Calls.Count; k++)
        {
            var call = calls.Calls[k];
            sb.Append(k == 0 ? string.Empty : ",");
            if (call.Status == ToolCallStatus.Succeeded)
            {
                sb.Append(Compact(PlanJson.ToElement(call.Result)));
            }
            else
            {
                sb.Append("null");
                errors[k] = $"{StatusName(call.Status)}: {call.ErrorMessage}";
            }
        }

        return sb.Append(']').ToString();
    }

    private static string Render(string summary, Entry[] entries, int? cut)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteString("plan", summary);
            writer.WriteStartArray("steps");
            foreach (var e in entries)
            {
                writer.WriteStartObject();
                writer.WriteNumber("step", e.Step);
                writer.WriteString("function", e.Function);
                writer.WriteString("status", e.Status);
                if (e.Calls is int n)
                {
                    writer.WriteNumber("calls", n);
                }

                if (e.Result is not null)
                {
                    writer.WritePropertyName("result");
                    if (cut is null)
                    {
                        writer.WriteNullValue();
                    }
                    else if (e.Result.Length <= cut)
                    {
                        writer.WriteRawValue(e.Result, skipInputValidation: true);
                    }
                    else
                    {
                        // A string result is cut in its own text; any other result in its JSON.
                        string whole = e.Result[0] == '"' ? PlanJson.Parse(e.Result).GetString()! : e.Result;
                        int shown = Math.Min(whole.Length, Math.Max(MinimumShown, cut.Value - 40));
                        writer.WriteStringValue(FormattableString.Invariant($"{whole[..shown]}... [cut: {shown} of {whole.Length} characters shown]"));
                    }
                }

                if (e.Error is not null)
                {
                    writer.WriteString("error", e.Error);
                }

                if (e.CallErrors is { Count: > 0 } callErrors)
                {
                    writer.WriteStartObject("errors");
                    foreach (var (k, message) in callErrors)
                    {
                        writer.WriteString(k.ToString(CultureInfo.InvariantCulture), message);
                    }

                    writer.WriteEndObject();
                }

                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static string Compact(JsonElement value)
    {
        var structured = PlanJson.Structured(value);
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            structured.WriteTo(writer);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    public static string StatusName(ToolCallStatus status) => status switch
    {
        ToolCallStatus.Succeeded => "succeeded",
        ToolCallStatus.Failed => "failed",
        ToolCallStatus.TimedOut => "timed_out",
        ToolCallStatus.Cancelled => "cancelled",
        ToolCallStatus.Skipped => "skipped",
        ToolCallStatus.Rejected => "rejected",
        _ => status.ToString().ToLowerInvariant(),
    };

    public static string Verb(ToolCallStatus status) => status switch
    {
        ToolCallStatus.TimedOut => "timed out",
        ToolCallStatus.Cancelled => "was cancelled",
        ToolCallStatus.Skipped => "was skipped",
        ToolCallStatus.Rejected => "was rejected",
        _ => "failed",
    };

    private sealed record Entry(int Step, string Function, string Status, int? Calls, string? Result, string? Error, Dictionary<int, string>? CallErrors);
}
