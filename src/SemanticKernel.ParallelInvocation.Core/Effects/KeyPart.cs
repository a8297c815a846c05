namespace SemanticKernel.ParallelInvocation.Effects;

/// <summary>A piece of an expanded key: template text, or an argument's canonical value (escaped unless a path normaliser takes it as a path).</summary>
/// <param name="Text">The literal text or the value.</param>
/// <param name="IsValue">Whether this is an argument's value.</param>
/// <param name="IsHierarchical">Whether the value's <c>/</c> separates segments (a <c>{*name}</c> placeholder).</param>
/// <param name="IsCut">Whether this is <see cref="Cut"/>.</param>
internal readonly record struct KeyPart(string Text, bool IsValue = false, bool IsHierarchical = false, bool IsCut = false)
{
    /// <summary>
    /// Ends a key cut before a placeholder whose value is unknown (or past the expansion limit): the key must then stand for every key
    /// the template could have given, so <see cref="KeyNormalizer"/> keeps only its complete segments.
    /// </summary>
    public static KeyPart Cut { get; } = new(string.Empty, IsCut: true);

    /// <summary>The text as it goes into a key with no path normaliser.</summary>
    public string Escaped => !IsValue ? Text : IsHierarchical ? KeySegments.EscapePath(Text) : KeySegments.Escape(Text);
}
