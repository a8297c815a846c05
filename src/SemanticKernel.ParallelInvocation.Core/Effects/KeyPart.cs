namespace SemanticKernel.ParallelInvocation.Effects;

/// <summary>A piece of an expanded key: template text, or an argument's canonical value (escaped unless a path normaliser takes it as a path).</summary>
/// <param name="Text">The literal text or the value.</param>
/// <param name="IsValue">Whether this is an argument's value.</param>
/// <param name="IsHierarchical">Whether the value's <c>/</c> separates segments (a <c>{*name}</c> placeholder).</param>
internal readonly record struct KeyPart(string Text, bool IsValue = false, bool IsHierarchical = false)
{
    /// <summary>The text as it goes into a key with no path normaliser.</summary>
    public string Escaped => !IsValue ? Text : IsHierarchical ? KeySegments.EscapePath(Text) : KeySegments.Escape(Text);
}
