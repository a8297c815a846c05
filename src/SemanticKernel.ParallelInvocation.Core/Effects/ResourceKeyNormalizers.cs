using System;
using System.IO;

namespace SemanticKernel.ParallelInvocation;

/// <summary>
/// Ready-made key normalisers for <see cref="ParallelInvocationOptions.KeyNormalizers"/>. A normaliser turns the part of a key after
/// its prefix into one canonical spelling, so that two spellings of one resource conflict as they should.
/// </summary>
[System.Diagnostics.CodeAnalysis.Experimental(Experiments.EffectsExtensions, UrlFormat = Experiments.UrlFormat)]
public static class ResourceKeyNormalizers
{
    /// <summary>
    /// Normalises file-system paths: relative paths are resolved against <paramref name="baseDirectory"/>, <c>.</c> and <c>..</c> are
    /// removed, separators become <c>/</c>, and on case-insensitive file systems the path is lower-cased. <c>./a/../b.txt</c> and
    /// <c>/root/b.txt</c> (with base <c>/root</c>) become the same key.
    /// </summary>
    /// <param name="baseDirectory">The directory relative paths are resolved against; the current directory when <see langword="null"/>.</param>
    /// <param name="ignoreCase">Whether paths differing only in case name the same file; by default true on Windows and macOS.</param>
    /// <returns>A normaliser.</returns>
    /// <remarks>Symbolic links are not resolved: two different paths to one file through a link stay different keys.</remarks>
    public static Func<string, string> FilePath(string? baseDirectory = null, bool? ignoreCase = null)
    {
        string root = Path.GetFullPath(baseDirectory ?? Directory.GetCurrentDirectory());
        bool fold = ignoreCase ?? (OperatingSystem.IsWindows() || OperatingSystem.IsMacOS());
        return path =>
        {
            if (string.IsNullOrWhiteSpace(path))
            {
                return path;
            }

            string trimmed = path.Trim();
            if (trimmed.StartsWith('~'))
            {
                string home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
                trimmed = home + trimmed[1..];
            }

            string full = Path.GetFullPath(trimmed, root).Replace('\\', '/').TrimEnd('/');
            if (full.Length == 0)
            {
                full = "/";
            }

            return fold ? full.ToLowerInvariant() : full;
        };
    }

    /// <summary>Normalises by case: keys differing only in case name the same resource (e.g. user names, e-mail addresses).</summary>
    /// <returns>A normaliser.</returns>
    public static Func<string, string> IgnoreCase() => static s => s.ToLowerInvariant();
}
