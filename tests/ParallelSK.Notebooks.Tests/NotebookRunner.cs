using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading.Tasks;

namespace ParallelSK.Notebooks.Tests;

/// <summary>
/// Runs a notebook as one file-based program (<c>dotnet run app.cs</c>) against the current sources, offline: the provider key
/// variables are removed from its environment, so every notebook takes its scripted-model path. The program is written to a fresh
/// temporary directory outside the repository, so the repository's Directory.Build.props apply to the projects it references but not to it.
/// </summary>
/// <remarks>
/// When <see cref="ExtraSourceVariable"/> names a folder of packages (e.g. a local build of Semantic Kernel), restore also looks there,
/// for the program and for every project it references.
/// </remarks>
public static class NotebookRunner
{
    /// <summary>The marker line every notebook prints last.</summary>
    public const string Marker = "NOTEBOOK OK";

    /// <summary>The environment variable naming an extra package source for the generated programs.</summary>
    public const string ExtraSourceVariable = "PARALLELSK_EXTRA_NUGET_SOURCE";

    /// <summary>The environment variable that, when set, keeps each generated program (its path is printed) for debugging.</summary>
    public const string KeepVariable = "PARALLELSK_KEEP_NOTEBOOK_PROGRAMS";

    /// <summary>The provider keys that would switch a notebook from its scripted model to a real service.</summary>
    public static readonly string[] KeyVariables = ["ANTHROPIC_API_KEY", "GOOGLE_API_KEY", "OPENAI_API_KEY", "AZURE_OPENAI_API_KEY"];

    public static readonly TimeSpan Timeout = TimeSpan.FromMinutes(6);

    public static string RepoRoot { get; } = FindRepoRoot();

    public static string NotebookPath(string name) => Path.Combine(RepoRoot, "samples", "Notebooks", name + ".ipynb");

    public static async Task<(int ExitCode, string Output, string Program)> RunAsync(string name)
    {
        var notebook = Notebook.Load(NotebookPath(name));
        string program = NotebookProgram.Generate(notebook, RepoRoot);
        string dir = Path.Combine(Path.GetTempPath(), "parallelsk-notebook-" + name + "-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        string file = Path.Combine(dir, "app.cs");
        await File.WriteAllTextAsync(file, program);

        var start = new ProcessStartInfo("dotnet")
        {
            // .NET Interactive runs a notebook in the notebook's own folder.
            WorkingDirectory = Path.GetDirectoryName(notebook.Path)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add("run");
        start.ArgumentList.Add(file);
        foreach (string key in KeyVariables)
        {
            start.Environment.Remove(key);
        }

        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        if (Environment.GetEnvironmentVariable(ExtraSourceVariable) is { Length: > 0 } extra)
        {
            // An environment variable is an MSBuild property of every project in the restore graph, the referenced ones included.
            start.Environment["RestoreAdditionalProjectSources"] = extra;
        }

        using var process = new Process { StartInfo = start };
        var output = new StringBuilder();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (output) { output.AppendLine(e.Data); } } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (output) { output.AppendLine("[stderr] " + e.Data); } } };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await process.WaitForExitAsync().WaitAsync(Timeout);
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            lock (output)
            {
                output.AppendLine($"[runner] killed after {Timeout}");
            }

            return (-1, output.ToString(), program);
        }

        process.WaitForExit();
        if (Environment.GetEnvironmentVariable(KeepVariable) is { Length: > 0 })
        {
            lock (output)
            {
                output.AppendLine($"[runner] program kept at {file}");
            }
        }
        else
        {
            try
            {
                Directory.Delete(dir, recursive: true);
            }
            catch (IOException)
            {
            }
        }

        lock (output)
        {
            return (process.ExitCode, output.ToString(), program);
        }
    }

    /// <summary>Runs the notebook and asserts it exited with 0 after printing <see cref="Marker"/>; its output goes to <paramref name="output"/>.</summary>
    public static async Task AssertRunsToItsEndAsync(string name, Xunit.Abstractions.ITestOutputHelper output)
    {
        var run = await RunAsync(name);
        output.WriteLine(run.Output);
        Assert.True(Succeeded(run), Describe(run));
    }

    /// <summary>Describes a run: exit code, output and the numbered program.</summary>
    public static string Describe((int ExitCode, string Output, string Program) run) =>
        $"exit code {run.ExitCode}\n--- output ---\n{run.Output}\n--- program ---\n" +
        string.Join("\n", run.Program.Split('\n').Select((l, i) => $"{i + 1,4}: {l}"));

    public static bool Succeeded((int ExitCode, string Output, string Program) run) =>
        run.ExitCode == 0 && run.Output.Split('\n').Any(l => l.Trim() == Marker);

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ParallelSK.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"ParallelSK.sln was not found above {AppContext.BaseDirectory}.");
    }
}
