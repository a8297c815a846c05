using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;

namespace ParallelSK.Demo.Tests;

public class DemoAppTests
{
    private static async Task<(int Exit, string Output, string Error)> Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        int exit = await DemoApp.RunAsync(args, output, error, showProgress: false, environment: _ => null, CancellationToken.None);
        return (exit, output.ToString(), error.ToString());
    }

    [Theory]
    [InlineData("--strategy", "fastest", "--strategy needs one of")]
    [InlineData("--latency-ms", "0", "--latency-ms needs a whole number")]
    [InlineData("--latency-ms", "abc", "--latency-ms needs a whole number")]
    [InlineData("--svg", "", "--svg needs a file path")]
    [InlineData("--bogus", "", "unknown option '--bogus'")]
    public async Task RunAsync_BadOption_ExplainsAndExitsWith2(string option, string value, string message)
    {
        var (exit, output, error) = await Run(value.Length == 0 ? [option] : [option, value]);

        Assert.Equal(DemoApp.ExitBadOptions, exit);
        Assert.Contains(message, error, StringComparison.Ordinal);
        Assert.Contains("--help", error, StringComparison.Ordinal);
        Assert.Empty(output);
    }

    [Fact]
    public async Task RunAsync_Help_PrintsUsageAndExitsWith0()
    {
        var (exit, output, _) = await Run("--help");

        Assert.Equal(DemoApp.ExitOk, exit);
        Assert.Contains("--latency-ms", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_AllStrategies_WritesTheSvgAndSaysWhere()
    {
        string path = Path.Combine(Path.GetTempPath(), $"parallelsk-demo-{Guid.NewGuid():N}", "t.svg");
        try
        {
            var (exit, output, _) = await Run("--latency-ms", "10", "--svg", path);

            Assert.Equal(DemoApp.ExitOk, exit);
            Assert.Contains($"SVG timelines written to {path}", output, StringComparison.Ordinal);
            string svg = await File.ReadAllTextAsync(path);
            Assert.StartsWith("<svg", svg, StringComparison.Ordinal);
            Assert.Contains("ParallelSK", svg, StringComparison.Ordinal);
            Assert.Contains("naive concurrent", svg, StringComparison.Ordinal);
            Assert.Contains("WRONG", output, StringComparison.Ordinal);
            Assert.Contains("same answer, same final state", output, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(path)!, recursive: true);
        }
    }

    [Fact]
    public async Task RunAsync_NoSvg_WritesNoFile()
    {
        var (exit, output, _) = await Run("--strategy", "parallelsk", "--latency-ms", "5", "--no-svg");

        Assert.Equal(DemoApp.ExitOk, exit);
        Assert.DoesNotContain("SVG", output, StringComparison.Ordinal);
        Assert.Contains("--strategy all", output, StringComparison.Ordinal);
    }
}
