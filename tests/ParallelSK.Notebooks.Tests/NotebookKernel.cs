using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace ParallelSK.Notebooks.Tests;

/// <summary>
/// Runs a notebook of samples/Notebooks headless in .NET Interactive, as a reader would in VS Code: with <c>dotnet-repl</c>, in the
/// notebook's own folder, so NuGet finds the repository's packages through samples/Notebooks/nuget.config (which points at
/// artifacts/packages, packed from the current sources by tests/PackLibraries.targets when the test project builds).
/// </summary>
/// <remarks>
/// <para>The pinned tools are installed with <c>--tool-path</c> into artifacts/tools (never globally) on first use.</para>
/// <para>
/// Isolation: each notebook runs with its own NuGet package folder (<c>NUGET_PACKAGES</c>) and its own home directory, under
/// <see cref="WorkFolder"/>. The repository's packages are removed from that package folder before each run, because NuGet would
/// otherwise keep an earlier pack of the same version; and .NET Interactive caches each set of <c>#r</c> lines' resolved
/// assemblies under <c>~/.packagemanagement</c>, keyed by the lines alone, so the home directory is fresh for each run. The
/// user's NuGet.Config is copied into it, so the machine's package sources still apply. Provider keys are removed from the
/// environment, so every notebook takes its scripted-model path.
/// </para>
/// <para>
/// <see cref="ExtraSourceVariable"/> may name a folder of packages the configured sources lack (the locally built Semantic Kernel
/// Google connector for notebook 02); restore then also looks there.
/// </para>
/// </remarks>
public static class NotebookKernel
{
    /// <summary>The marker line every notebook prints last.</summary>
    public const string Marker = "NOTEBOOK OK";

    /// <summary>The environment variable naming an extra package source for the notebooks' restores.</summary>
    public const string ExtraSourceVariable = "PARALLELSK_EXTRA_NUGET_SOURCE";

    /// <summary>Runs notebooks headless; it carries its own copy of .NET Interactive.</summary>
    public const string ReplTool = "dotnet-repl", ReplVersion = "0.3.259";

    /// <summary>The .NET Interactive tool that VS Code's Polyglot Notebooks runs: the run must use the same kernel build.</summary>
    public const string InteractiveTool = "Microsoft.dotnet-interactive", InteractiveVersion = "1.0.712001";

    /// <summary>The provider keys that would switch a notebook from its scripted model to a real service.</summary>
    public static readonly string[] KeyVariables = ["ANTHROPIC_API_KEY", "GOOGLE_API_KEY", "OPENAI_API_KEY", "AZURE_OPENAI_API_KEY"];

    public static readonly TimeSpan Timeout = TimeSpan.FromMinutes(8);

    public static string RepoRoot { get; } = FindRepoRoot();

    public static string NotebooksFolder => Path.Combine(RepoRoot, "samples", "Notebooks");

    public static string PackagesFolder => Path.Combine(RepoRoot, "artifacts", "packages");

    public static string ToolsFolder => Path.Combine(RepoRoot, "artifacts", "tools");

    /// <summary>
    /// Gets the folder of the notebooks' home directories and package folders: outside the repository, because .NET Interactive
    /// restores through a project it generates under the home directory, and inside the repository that project would pick up the
    /// repository's Directory.Build.props and central package versions. One folder per checkout.
    /// </summary>
    public static string WorkFolder { get; } = Path.Combine(
        Path.GetTempPath(), "parallelsk-notebooks-" + Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(RepoRoot)))[..12].ToLowerInvariant());

    public static string NotebookPath(string name) => Path.Combine(NotebooksFolder, name + ".ipynb");

    /// <summary>Runs the notebook and returns what it printed; the executed notebook is kept at artifacts/notebooks/NAME.ipynb.</summary>
    public static async Task<ExecutedNotebook> RunAsync(string name)
    {
        string repl = await EnsureToolsAsync();
        string work = Path.Combine(WorkFolder, name);
        string home = Path.Combine(work, "home");
        string packages = Path.Combine(work, "packages");
        string executed = Path.Combine(RepoRoot, "artifacts", "notebooks", name + ".ipynb");
        PrepareHome(home);
        Directory.CreateDirectory(packages);
        foreach (string stale in Directory.GetDirectories(packages, "semantickernel.parallelinvocation*"))
        {
            Directory.Delete(stale, recursive: true);
        }

        Directory.CreateDirectory(Path.GetDirectoryName(executed)!);
        File.Delete(executed);
        var start = new ProcessStartInfo(repl)
        {
            WorkingDirectory = NotebooksFolder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        foreach (string argument in new[] { "--run", NotebookPath(name), "--exit-after-run", "--output-path", executed })
        {
            start.ArgumentList.Add(argument);
        }

        foreach (string key in KeyVariables.Concat(["MSBuildExtensionsPath", "MSBUILD_EXE_PATH", "MSBuildSDKsPath"]))
        {
            start.Environment.Remove(key);
        }

        start.Environment["HOME"] = home;
        start.Environment["USERPROFILE"] = home;
        start.Environment["NUGET_PACKAGES"] = packages;
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_INTERACTIVE_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["POWERSHELL_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_GENERATE_ASPNET_CERTIFICATE"] = "false";
        if (Environment.GetEnvironmentVariable(ExtraSourceVariable) is { Length: > 0 } extra)
        {
            // The kernel restores by building a generated project; an environment variable is an MSBuild property there.
            start.Environment["RestoreAdditionalProjectSources"] = extra;
        }

        var clock = Stopwatch.StartNew();
        var (exitCode, log) = await RunProcessAsync(start, Timeout);
        clock.Stop();
        return ExecutedNotebook.Load(name, executed, exitCode, log, clock.Elapsed);
    }

    /// <summary>
    /// Runs the notebook, writes how long it took and what it printed to <paramref name="output"/>, and asserts it ran every cell
    /// without an error to its last line, <see cref="Marker"/>.
    /// </summary>
    public static async Task<ExecutedNotebook> RunToTheEndAsync(string name, Xunit.Abstractions.ITestOutputHelper output)
    {
        int codeCells = Notebook.Load(NotebookPath(name)).CodeCells.Count();
        var executed = await RunAsync(name);
        output.WriteLine($"{name} ran in .NET Interactive (dotnet-repl {ReplVersion}) in {executed.Elapsed.TotalSeconds:0.0} s");
        output.WriteLine(executed.Describe());
        executed.AssertRanToTheEnd(codeCells);
        return executed;
    }

    /// <summary>A fresh home directory holding a copy of the user's NuGet.Config, if there is one.</summary>
    private static void PrepareHome(string home)
    {
        if (Directory.Exists(home))
        {
            Directory.Delete(home, recursive: true);
        }

        string nugetFolder = Path.Combine(home, ".nuget", "NuGet");
        Directory.CreateDirectory(nugetFolder);
        string userHome = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        string userConfig = Path.Combine(userHome, ".nuget", "NuGet", "NuGet.Config");
        if (File.Exists(userConfig))
        {
            File.Copy(userConfig, Path.Combine(nugetFolder, "NuGet.Config"));
        }
    }

    /// <summary>Installs the pinned tools into artifacts/tools unless they are there, and returns the path of dotnet-repl.</summary>
    public static async Task<string> EnsureToolsAsync()
    {
        Directory.CreateDirectory(ToolsFolder);
        using (await LockAsync(Path.Combine(ToolsFolder, ".install.lock")))
        {
            foreach (var (id, version) in new[] { (ReplTool, ReplVersion), (InteractiveTool, InteractiveVersion) })
            {
                string store = Path.Combine(ToolsFolder, ".store", id.ToLowerInvariant());
                if (Directory.Exists(Path.Combine(store, version)))
                {
                    continue;
                }

                if (Directory.Exists(store))
                {
                    await DotnetAsync("tool", "uninstall", id, "--tool-path", ToolsFolder);
                }

                await DotnetAsync("tool", "install", id, "--version", version, "--tool-path", ToolsFolder);
            }
        }

        return Path.Combine(ToolsFolder, ReplTool);
    }

    /// <summary>The product version of the Microsoft.DotNet.Interactive assembly a tool carries.</summary>
    public static string KernelVersion(string toolId, string version)
    {
        string store = Path.Combine(ToolsFolder, ".store", toolId.ToLowerInvariant(), version);
        string dll = Directory.GetFiles(store, "Microsoft.DotNet.Interactive.dll", SearchOption.AllDirectories).Single();
        return FileVersionInfo.GetVersionInfo(dll).ProductVersion ?? "";
    }

    private static async Task DotnetAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var (exitCode, log) = await RunProcessAsync(start, TimeSpan.FromMinutes(5));
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"dotnet {string.Join(' ', arguments)} failed with exit code {exitCode}:\n{log}");
        }
    }

    private static async Task<(int ExitCode, string Log)> RunProcessAsync(ProcessStartInfo start, TimeSpan timeout)
    {
        using var process = new Process { StartInfo = start };
        var log = new StringBuilder();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (log) { log.AppendLine(e.Data); } } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (log) { log.AppendLine("[stderr] " + e.Data); } } };
        process.Start();
        if (start.RedirectStandardInput)
        {
            process.StandardInput.Close();
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await process.WaitForExitAsync().WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            lock (log)
            {
                return (-1, log + $"[runner] killed after {timeout}");
            }
        }

        process.WaitForExit();
        lock (log)
        {
            return (process.ExitCode, log.ToString());
        }
    }

    /// <summary>An exclusive lock held through a file, across the test processes that run at the same time.</summary>
    private static async Task<IDisposable> LockAsync(string path)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(10);
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(200);
            }
        }
    }

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
