using System;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Reflection.Metadata;
using System.Xml.Linq;

namespace ParallelSK.Notebooks.Tests;

/// <summary>
/// Checks a package that tests/PackLibraries.targets packed into artifacts/packages when the test project built: what `dotnet pack`
/// gives any user of the repository (the properties come from Directory.Build.props).
/// </summary>
public static class PackageChecks
{
    public const string Version = "0.1.0";

    public static readonly string[] TargetFrameworks = ["net8.0", "net10.0"];

    /// <summary>The kind of the portable PDB's SourceLink custom debug information.</summary>
    private static readonly Guid SourceLinkKind = new("CC110556-A091-4D38-9FEC-25AB9A351A6A");

    /// <summary>
    /// Asserts the package carries its own README (declared in the nuspec, starting with the package's name) and the MIT license
    /// expression, records the git commit it was built from, ships the assembly for every target framework, has a .snupkg beside
    /// it with a portable PDB per assembly whose source paths are the deterministic <c>/_/</c> ones (mapped by SourceLink to the
    /// GitHub remote when the clone was packed from one; a clone without a remote records the commit alone), and went through package
    /// validation (the SDK touches its semaphore file only after validation succeeds; it is not older than the packed assemblies).
    /// </summary>
    public static void AssertPackedForNuGet(string id)
    {
        string package = Path.Combine(NotebookKernel.PackagesFolder, $"{id}.{Version}.nupkg");
        string symbols = Path.ChangeExtension(package, ".snupkg");
        Assert.True(File.Exists(package), $"{package} is missing: the test project's build packs it (tests/PackLibraries.targets)");
        Assert.True(File.Exists(symbols), $"{symbols} is missing");

        string? repositoryUrl;
        using (var zip = ZipFile.OpenRead(package))
        {
            XNamespace ns = "http://schemas.microsoft.com/packaging/2013/05/nuspec.xsd";
            using var nuspecStream = zip.GetEntry(id + ".nuspec")!.Open();
            var metadata = XDocument.Load(nuspecStream).Root!.Element(ns + "metadata")!;
            Assert.Equal("README.md", metadata.Element(ns + "readme")?.Value);
            var license = metadata.Element(ns + "license");
            Assert.Equal(("expression", "MIT"), ((string?)license?.Attribute("type"), license?.Value));
            var repository = metadata.Element(ns + "repository");
            Assert.Matches("^[0-9a-f]{40}$", (string?)repository?.Attribute("commit") ?? "");
            repositoryUrl = (string?)repository?.Attribute("url");

            using var readme = new StreamReader(zip.GetEntry("README.md")!.Open());
            Assert.Equal("# " + id, readme.ReadLine());
            Assert.All(TargetFrameworks, tfm => Assert.NotNull(zip.GetEntry($"lib/{tfm}/{id}.dll")));
        }

        using (var zip = ZipFile.OpenRead(symbols))
        {
            foreach (string tfm in TargetFrameworks)
            {
                var entry = zip.GetEntry($"lib/{tfm}/{id}.pdb");
                Assert.True(entry is not null, $"{symbols} has no lib/{tfm}/{id}.pdb");
                using var pdb = new MemoryStream();
                using (var stream = entry.Open())
                {
                    stream.CopyTo(pdb);
                }

                pdb.Position = 0;
                using var provider = MetadataReaderProvider.FromPortablePdbStream(pdb);
                var reader = provider.GetMetadataReader();
                var documents = reader.Documents.Select(d => reader.GetString(reader.GetDocument(d).Name)).ToList();
                Assert.NotEmpty(documents);
                Assert.All(documents, d => Assert.StartsWith("/_/", d, StringComparison.Ordinal));
                var sourceLink = reader.CustomDebugInformation.Select(reader.GetCustomDebugInformation)
                    .Where(c => reader.GetGuid(c.Kind) == SourceLinkKind).Select(c => System.Text.Encoding.UTF8.GetString(reader.GetBlobBytes(c.Value))).SingleOrDefault();
                if (repositoryUrl?.Contains("github.com", StringComparison.OrdinalIgnoreCase) == true)
                {
                    Assert.Contains("\"/_/*\":\"https://raw.githubusercontent.com/", sourceLink ?? "(no SourceLink)", StringComparison.Ordinal);
                }
            }
        }

        string project = Path.Combine(NotebookKernel.RepoRoot, "src", id);
        var semaphore = new FileInfo(Path.Combine(project, "obj", "Release", "Microsoft.NET.ApiCompat.ValidatePackage.semaphore"));
        Assert.True(semaphore.Exists, $"package validation did not run for {id}: {semaphore.FullName} is missing");
        Assert.All(TargetFrameworks, tfm =>
        {
            var assembly = new FileInfo(Path.Combine(project, "bin", "Release", tfm, id + ".dll"));
            Assert.True(semaphore.LastWriteTimeUtc >= assembly.LastWriteTimeUtc, $"package validation of {id} is older than its {tfm} assembly");
        });
    }
}
