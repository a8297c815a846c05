using System;
using System.IO;
using SemanticKernel.ParallelInvocation.Effects;

namespace SemanticKernel.ParallelInvocation;

/// <summary>
/// Ready-made key normalisers for <see cref="ParallelInvocationOptions.KeyNormalizers"/>. A normaliser turns the part of a key after
/// its prefix into one canonical spelling, so that two spellings of one resource conflict as they should.
/// </summary>
[System.Diagnostics.CodeAnalysis.Experimental(Experiments.EffectsExtensions, UrlFormat = Experiments.UrlFormat)]
public static class ResourceKeyNormalizers
{
    /// <summary>
    /// Makes each path key name the file the operating system would open. Argument values under this prefix are taken as paths, not
    /// escaped: a relative value is resolved against <paramref name="baseDirectory"/>, and an absolute one replaces what the template
    /// puts before it, as <c>Path.GetFullPath(Path.Combine(…))</c> resolves them (template <c>fs:/srv/data/{name}</c> with
    /// <c>/etc/passwd</c> is <c>fs:/etc/passwd</c>). <c>.</c> and <c>..</c> are resolved and trailing separators dropped; the path is put
    /// in Unicode normal form C; on case-insensitive file systems it is lower-cased; on Windows <c>\</c> becomes <c>/</c>. Nothing is
    /// trimmed (<c>" a.txt"</c> is the file whose name starts with a space), and the empty path is <paramref name="baseDirectory"/>.
    /// <c>./a/../b.txt</c> and <c>/root/b.txt</c> (with base <c>/root</c>) become the same key.
    /// </summary>
    /// <param name="baseDirectory">The directory relative paths are resolved against; the current directory when <see langword="null"/>.</param>
    /// <param name="ignoreCase">Whether paths differing only in case name the same file; by default true on Windows and macOS.</param>
    /// <param name="homeDirectory">
    /// The directory that a path that is <c>~</c> or starts with <c>~/</c> stands for, as the MCP filesystem server expands them (to its
    /// own user's home); <see langword="null"/> (the default) expands nothing, as the operating system does (<c>~</c> is an ordinary name).
    /// </param>
    /// <returns>A normaliser.</returns>
    /// <remarks>
    /// Symbolic links are not resolved: two different paths to one file through a link stay different keys. A value that is no valid
    /// path (a NUL character) gives the prefix itself, which overlaps every path.
    /// </remarks>
    public static Func<string, string> FilePath(string? baseDirectory = null, bool? ignoreCase = null, string? homeDirectory = null)
    {
        string root = Path.GetFullPath(baseDirectory ?? Directory.GetCurrentDirectory());
        bool fold = ignoreCase ?? (OperatingSystem.IsWindows() || OperatingSystem.IsMacOS());
        string? home = homeDirectory is null ? null : Path.GetFullPath(homeDirectory).TrimEnd('/', '\\');
        return new FilePathNormalizer(root, fold, home).Normalize;
    }

    /// <summary>
    /// Normalises by case: keys differing only in case name the same resource (e.g. user names, e-mail addresses). Like every
    /// normaliser other than <see cref="FilePath"/>, it sees argument values escaped (<c>/</c> as <c>%2F</c>), one segment each.
    /// </summary>
    /// <returns>A normaliser.</returns>
    public static Func<string, string> IgnoreCase() => static s => s.ToLowerInvariant();
}
