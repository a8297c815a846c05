using System;
using System.Collections.Generic;
using System.IO;
using System.Text;

namespace SemanticKernel.ParallelInvocation.Mcp.Tests;

/// <summary>
/// Random mixed batches over a small tree whose paths are spelled in many ways that name one file: absolute, relative to the server's
/// allowed directory (the batch directory's name starts with a space, so these paths do too), <c>./</c>, <c>~/</c> (the server's home
/// is its allowed directory), <c>..</c>, doubled and trailing slashes, Unicode NFC and NFD. Names with spaces and a whitespace-only
/// name; <c>create_directory</c> of missing ancestors; moves of directories whose children other calls of the batch read or write.
/// </summary>
public static class AliasBatchGenerator
{
    private const string Cafe = "caf\u00e9.txt";
    private static readonly string[] Files = ["a.txt", "b.txt", " sp.txt", Cafe, "  ", "notes/c.txt", "notes/deep/d.txt", "new.txt", "notes/new.txt", "made/e.txt", "made/sub/f.txt", "moved/c.txt", "moved/deep/d.txt"];
    private static readonly string[] Dirs = ["", "notes", "notes/deep", "empty", "made", "made/sub", "made/sub/deep", "moved", "notes/made/x"];
    private static readonly string[] MoveSources = ["notes", "notes", "notes/deep", "made", "empty", "a.txt", " sp.txt", Cafe, "notes/c.txt"];
    private static readonly string[] MoveDestinations = ["moved", "moved", "made", "notes2", "made/sub/g.txt", "new.txt", "notes/deep2", "b.txt", "moved/deep"];
    private static readonly string[] Words = ["alpha", "bravo", "charlie", "delta", "cafe"];

    /// <summary>Creates the starting tree in <paramref name="dir"/>.</summary>
    public static void Seed(string dir)
    {
        Directory.CreateDirectory(Path.Combine(dir, "notes", "deep"));
        Directory.CreateDirectory(Path.Combine(dir, "empty"));
        File.WriteAllText(Path.Combine(dir, "a.txt"), "alpha\n");
        File.WriteAllText(Path.Combine(dir, "b.txt"), "bravo\n");
        File.WriteAllText(Path.Combine(dir, " sp.txt"), "space\n");
        File.WriteAllText(Path.Combine(dir, Cafe), "cafe\n");
        File.WriteAllText(Path.Combine(dir, "notes", "c.txt"), "charlie\n");
        File.WriteAllText(Path.Combine(dir, "notes", "deep", "d.txt"), "delta\n");
    }

    /// <summary>One batch: each call is a tool name and arguments whose paths hold <c>{dir}</c> (absolute) or <c>{rel}</c> (relative to the root).</summary>
    public static List<(string Tool, Dictionary<string, object?> Arguments)> Batch(int seed, int size)
    {
        var rng = new Random(seed);
        var calls = new List<(string, Dictionary<string, object?>)>();
        string File() => Alias(rng, Files[rng.Next(Files.Length)]);
        string Dir() => Alias(rng, Dirs[rng.Next(Dirs.Length)]);
        string Token() => $"t{rng.Next(100)}";
        for (int i = 0; i < size; i++)
        {
            calls.Add(rng.Next(14) switch
            {
                0 or 1 or 2 => ("read_text_file", new() { ["path"] = File() }),
                3 => ("read_multiple_files", new() { ["paths"] = new[] { File(), File() } }),
                4 or 5 => ("write_file", new() { ["path"] = File(), ["content"] = Token() + "\n" }),
                6 => ("edit_file", new() { ["path"] = File(), ["edits"] = new[] { new Dictionary<string, object?> { ["oldText"] = Words[rng.Next(Words.Length)], ["newText"] = Token() } } }),
                7 or 8 => ("move_file", new() { ["source"] = Alias(rng, MoveSources[rng.Next(MoveSources.Length)]), ["destination"] = Alias(rng, MoveDestinations[rng.Next(MoveDestinations.Length)]) }),
                9 => ("create_directory", new() { ["path"] = Dir() }),
                10 => ("list_directory", new() { ["path"] = Dir() }),
                11 => ("directory_tree", new() { ["path"] = Dir() }),
                12 => ("list_directory_with_sizes", new() { ["path"] = Dir() }),
                _ => ("search_files", new() { ["path"] = Dir(), ["pattern"] = "**/*.txt" }),
            });
        }

        return calls;
    }

    /// <summary>Replaces <c>{dir}</c> and <c>{rel}</c> in every string argument (also inside arrays and edit objects).</summary>
    public static Dictionary<string, object?> In(Dictionary<string, object?> arguments, string dir, string rel)
    {
        object? Map(object? value) => value switch
        {
            string s => s.Replace("{dir}", dir, StringComparison.Ordinal).Replace("{rel}", rel, StringComparison.Ordinal),
            string[] a => Array.ConvertAll(a, s => (string)Map(s)!),
            Dictionary<string, object?>[] edits => Array.ConvertAll(edits, e => In(e, dir, rel)),
            _ => value,
        };

        var result = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (key, value) in arguments)
        {
            result[key] = Map(value);
        }

        return result;
    }

    /// <summary>One spelling of a path relative to the batch directory (empty: the directory itself).</summary>
    private static string Alias(Random rng, string relative)
    {
        if (relative.Contains(Cafe, StringComparison.Ordinal) && rng.Next(2) == 0)
        {
            relative = relative.Replace(Cafe, Cafe.Normalize(NormalizationForm.FormD), StringComparison.Ordinal);
        }

        string tail = relative.Length == 0 ? string.Empty : "/" + relative;
        return rng.Next(9) switch
        {
            0 or 1 => "{dir}" + tail,
            2 => "{rel}" + tail,
            3 => "./{rel}" + tail,
            4 => "~/{rel}" + tail,
            5 => "{dir}/notes/.." + tail,
            6 => "{dir}/" + tail,
            7 => "{dir}" + tail + "/",
            _ => "{dir}/." + tail,
        };
    }
}
