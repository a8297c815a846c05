using System;
using System.Runtime.InteropServices;

namespace ParallelSK.Benchmarks.Common;

/// <summary>The machine a harness ran on, in one line.</summary>
internal static class MachineInfo
{
    public static string Describe() =>
        $"Machine: {Environment.ProcessorCount} logical cores, {RuntimeInformation.OSDescription} ({RuntimeInformation.OSArchitecture}), {RuntimeInformation.FrameworkDescription}, " +
        $"{(System.Runtime.GCSettings.IsServerGC ? "server" : "workstation")} GC";
}
