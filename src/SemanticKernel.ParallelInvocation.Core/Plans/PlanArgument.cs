using System.Collections.Generic;
using System.Linq;
using System.Text.Json;

namespace SemanticKernel.ParallelInvocation.Plans;

/// <summary>A step's argument value as the model wrote it: literal JSON, or a tree holding references to fill in once they are known.</summary>
internal abstract class PlanArgument
{
    /// <summary>Gets every reference in this value, depth first.</summary>
    public abstract IEnumerable<PlanReference> References { get; }

    /// <summary>A value with no reference in it.</summary>
    public sealed class Literal(JsonElement value) : PlanArgument
    {
        public JsonElement Value { get; } = value;

        public override IEnumerable<PlanReference> References => [];
    }

    /// <summary>A string that is exactly one reference: replaced by the referenced value itself, with its JSON type.</summary>
    public sealed class Whole(PlanReference reference) : PlanArgument
    {
        public PlanReference Reference { get; } = reference;

        public override IEnumerable<PlanReference> References => [Reference];
    }

    /// <summary>A string with references inside text: each is replaced by the referenced value's text.</summary>
    /// <param name="parts">The literal text around the references: one more part than references.</param>
    /// <param name="references">The references, in order.</param>
    public sealed class Text(string[] parts, PlanReference[] references) : PlanArgument
    {
        public string[] Parts { get; } = parts;

        public PlanReference[] Refs { get; } = references;

        public override IEnumerable<PlanReference> References => Refs;
    }

    /// <summary>An object with references in some property.</summary>
    public sealed class Object(KeyValuePair<string, PlanArgument>[] properties) : PlanArgument
    {
        public KeyValuePair<string, PlanArgument>[] Properties { get; } = properties;

        public override IEnumerable<PlanReference> References => Properties.SelectMany(p => p.Value.References);
    }

    /// <summary>An array with references in some element.</summary>
    public sealed class Array(PlanArgument[] items) : PlanArgument
    {
        public PlanArgument[] Items { get; } = items;

        public override IEnumerable<PlanReference> References => Items.SelectMany(i => i.References);
    }
}
