using System;
using System.Collections.Generic;

namespace SemanticKernel.ParallelInvocation.Mcp.Tests;

/// <summary>Random mixed batches of filesystem calls over a small tree; paths are relative until materialised in a directory.</summary>
public static class BatchGenerator
{
    private static readonly string[] Files = ["a.txt", "b.txt", "notes/c.txt", "notes/deep/d.txt", "new.txt", "notes/new.txt", "made/e.txt"];
    private static readonly string[] Dirs = ["", "notes", "notes/deep", "empty", "made", "notes/made"];
    private static readonly string[] Words = ["alpha", "bravo", "charlie", "delta"];

    /// <summary>Creates the starting tree in <paramref name="dir"/>.</summary>
    public static void Seed(string dir)
    {
        System.IO.Directory.CreateDirectory(System.IO.Path.Combine(dir, "notes/deep"));
        System.IO.Directory.CreateDirectory(System.IO.Path.Combine(dir, "empty"));
        System.IO.File.WriteAllText(System.IO.Path.Combine(dir, "a.txt"), "alpha\n");
        System.IO.File.WriteAllText(System.IO.Path.Combine(dir, "b.txt"), "bravo\n");
        System.IO.File.WriteAllText(System.IO.Path.Combine(dir, "notes/c.txt"), "charlie\n");
        System.IO.File.WriteAllText(System.IO.Path.Combine(dir, "notes/deep/d.txt"), "delta\n");
    }

    /// <summary>One batch: each call is a tool name and arguments whose paths contain <c>{dir}</c>.</summary>
    public static List<(string Tool, Dictionary<string, object?> Arguments)> Batch(int seed, int size)
    {
        var rng = new Random(seed);
        var calls = new List<(string, Dictionary<string, object?>)>();
        string P(string relative) => rng.Next(8) == 0 ? $"{{dir}}/notes/../{relative}" : $"{{dir}}/{relative}".TrimEnd('/');
        string File() => P(Files[rng.Next(Files.Length)]);
        string Dir() => P(Dirs[rng.Next(Dirs.Length)]);
        string Token() => $"t{rng.Next(100)}";
        for (int i = 0; i < size; i++)
        {
            calls.Add(rng.Next(13) switch
            {
                0 or 1 or 2 => ("read_text_file", new() { ["path"] = File() }),
                3 => ("read_multiple_files", new() { ["paths"] = new[] { File(), File() } }),
                4 or 5 => ("write_file", new() { ["path"] = File(), ["content"] = Token() + "\n" }),
                6 => ("edit_file", new() { ["path"] = File(), ["edits"] = new[] { new Dictionary<string, object?> { ["oldText"] = Words[rng.Next(Words.Length)], ["newText"] = Token() } } }),
                7 => ("move_file", new() { ["source"] = File(), ["destination"] = File() }),
                8 => ("create_directory", new() { ["path"] = Dir() }),
                9 or 10 => ("list_directory", new() { ["path"] = Dir() }),
                11 => ("directory_tree", new() { ["path"] = Dir() }),
                _ => ("search_files", new() { ["path"] = Dir(), ["pattern"] = "*.txt" }),
            });
        }

        return calls;
    }

    /// <summary>Replaces <c>{dir}</c> in every string argument (also inside arrays and edit objects).</summary>
    public static Dictionary<string, object?> In(Dictionary<string, object?> arguments, string dir) => AliasBatchGenerator.In(arguments, dir, rel: "{rel}");
}
