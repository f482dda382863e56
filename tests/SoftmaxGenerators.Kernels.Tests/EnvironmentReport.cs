using System.Runtime.Intrinsics;
using Xunit;
using Xunit.Abstractions;

namespace SoftmaxGenerators.Kernels.Tests;

/// <summary>Records which SIMD path the kernels take in this run (CI runs the suite under three settings).</summary>
public class EnvironmentReport(ITestOutputHelper output)
{
    [Fact]
    public void Reports_the_accelerated_widths()
    {
        output.WriteLine($"Vector512: {Vector512.IsHardwareAccelerated}, Vector256: {Vector256.IsHardwareAccelerated}, Vector128: {Vector128.IsHardwareAccelerated}");
        System.Console.WriteLine($"[kernels] Vector512={Vector512.IsHardwareAccelerated} Vector256={Vector256.IsHardwareAccelerated} Vector128={Vector128.IsHardwareAccelerated}");
        Assert.True(!Vector512.IsHardwareAccelerated || Vector256.IsHardwareAccelerated);
    }
}
