using System;
using System.Collections.Generic;
using System.IO;
using System.Text;

namespace SemanticKernel.ParallelInvocation.Effects;

/// <summary>
/// The key of the file the operating system would open for a path: resolved against a base directory as
/// <c>Path.GetFullPath(Path.Combine(base, …))</c> resolves it (an absolute value replaces what comes before it; <c>.</c> and <c>..</c>
/// are resolved; trailing separators are dropped), in Unicode normal form C, lower-cased where the file system ignores case. Nothing is
/// trimmed: <c>" a.txt"</c> is the file named with a leading space. <c>~</c> is expanded only when a home directory is given, and only
/// as <c>~</c> or a leading <c>~/</c> (as the MCP filesystem server does); the empty path is the base directory itself.
/// </summary>
internal sealed class FilePathNormalizer
{
    private readonly string _root;
    private readonly bool _ignoreCase;
    private readonly string? _home;

    public FilePathNormalizer(string root, bool ignoreCase, string? home)
    {
        _root = root;
        _ignoreCase = ignoreCase;
        _home = home;
    }

    /// <summary>Normalises one path (the whole text after the key's prefix).</summary>
    public string Normalize(string path) => Normalize([new KeyPart(path, IsValue: true)]);

    /// <summary>Normalises the parts of an expanded key after its prefix: template text and argument values, combined as paths.</summary>
    public string Normalize(IReadOnlyList<KeyPart> parts)
    {
        var combined = new StringBuilder();
        foreach (var part in parts)
        {
            string text = part.Text;
            if (part.IsValue)
            {
                text = ExpandHome(text);
                if (Path.IsPathRooted(text))
                {
                    combined.Clear(); // as Path.Combine: a rooted path replaces the base
                }
            }

            combined.Append(text);
        }

        string full;
        try
        {
            full = combined.Length == 0 ? _root : Path.GetFullPath(combined.ToString(), _root);
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException or PathTooLongException)
        {
            return string.Empty; // not a path the OS could open (e.g. a NUL character): the whole prefix, which overlaps every path
        }

        if (Path.DirectorySeparatorChar == '\\')
        {
            full = full.Replace('\\', '/');
        }

        full = full.TrimEnd('/');
        if (full.Length == 0)
        {
            full = "/";
        }

        try
        {
            full = full.Normalize(NormalizationForm.FormC);
        }
        catch (ArgumentException)
        {
            // Invalid UTF-16 (a lone surrogate): no normal form; the name stays as it is.
        }

        return _ignoreCase ? full.ToLowerInvariant() : full;
    }

    private string ExpandHome(string path)
    {
        if (_home is null || !(path == "~" || path.StartsWith("~/", StringComparison.Ordinal)))
        {
            return path;
        }

        return _home + path[1..];
    }
}
