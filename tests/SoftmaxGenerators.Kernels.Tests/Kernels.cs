using SoftmaxGenerators;

namespace SoftmaxGenerators.Kernels.Tests;

// One generated type per row length under test, with the fast (default) and the accurate kernels.
[Softmax(1)][Softmax(1, MethodName = "Accurate", Precision = SoftmaxPrecision.Accurate)] public static partial class K1 { }
[Softmax(2)][Softmax(2, MethodName = "Accurate", Precision = SoftmaxPrecision.Accurate)] public static partial class K2 { }
[Softmax(3)][Softmax(3, MethodName = "Accurate", Precision = SoftmaxPrecision.Accurate)] public static partial class K3 { }
[Softmax(7)][Softmax(7, MethodName = "Accurate", Precision = SoftmaxPrecision.Accurate)] public static partial class K7 { }
[Softmax(8)][Softmax(8, MethodName = "Accurate", Precision = SoftmaxPrecision.Accurate)] public static partial class K8 { }
[Softmax(9)][Softmax(9, MethodName = "Accurate", Precision = SoftmaxPrecision.Accurate)] public static partial class K9 { }
[Softmax(10)][Softmax(10, MethodName = "Accurate", Precision = SoftmaxPrecision.Accurate)] public static partial class K10 { }
[Softmax(15)][Softmax(15, MethodName = "Accurate", Precision = SoftmaxPrecision.Accurate)] public static partial class K15 { }
[Softmax(16)][Softmax(16, MethodName = "Accurate", Precision = SoftmaxPrecision.Accurate)] public static partial class K16 { }
[Softmax(17)][Softmax(17, MethodName = "Accurate", Precision = SoftmaxPrecision.Accurate)] public static partial class K17 { }
[Softmax(31)][Softmax(31, MethodName = "Accurate", Precision = SoftmaxPrecision.Accurate)] public static partial class K31 { }
[Softmax(32)][Softmax(32, MethodName = "Accurate", Precision = SoftmaxPrecision.Accurate)] public static partial class K32 { }
[Softmax(33)][Softmax(33, MethodName = "Accurate", Precision = SoftmaxPrecision.Accurate)] public static partial class K33 { }
[Softmax(63)][Softmax(63, MethodName = "Accurate", Precision = SoftmaxPrecision.Accurate)] public static partial class K63 { }
[Softmax(64)][Softmax(64, MethodName = "Accurate", Precision = SoftmaxPrecision.Accurate)] public static partial class K64 { }
[Softmax(65)][Softmax(65, MethodName = "Accurate", Precision = SoftmaxPrecision.Accurate)] public static partial class K65 { }
[Softmax(100)][Softmax(100, MethodName = "Accurate", Precision = SoftmaxPrecision.Accurate)] public static partial class K100 { }
[Softmax(127)][Softmax(127, MethodName = "Accurate", Precision = SoftmaxPrecision.Accurate)] public static partial class K127 { }
[Softmax(128)][Softmax(128, MethodName = "Accurate", Precision = SoftmaxPrecision.Accurate)] public static partial class K128 { }
[Softmax(129)][Softmax(129, MethodName = "Accurate", Precision = SoftmaxPrecision.Accurate)] public static partial class K129 { }
[Softmax(255)][Softmax(255, MethodName = "Accurate", Precision = SoftmaxPrecision.Accurate)] public static partial class K255 { }
[Softmax(256)][Softmax(256, MethodName = "Accurate", Precision = SoftmaxPrecision.Accurate)] public static partial class K256 { }
[Softmax(1000)][Softmax(1000, MethodName = "Accurate", Precision = SoftmaxPrecision.Accurate)] public static partial class K1000 { }
[Softmax(1024)][Softmax(1024, MethodName = "Accurate", Precision = SoftmaxPrecision.Accurate)] public static partial class K1024 { }
[Softmax(4096)][Softmax(4096, MethodName = "Accurate", Precision = SoftmaxPrecision.Accurate)] public static partial class K4096 { }
[Softmax(65536)][Softmax(65536, MethodName = "Accurate", Precision = SoftmaxPrecision.Accurate)] public static partial class K65536 { }

// The two-pass kernel of long fast float rows (KernelEmitter.TwoPassMinLength; double and Accurate stay three-pass),
// tested on its own in TwoPassTests: the whole KernelTable suite at 4M values took 80 s.
[Softmax(4194304)] public static partial class K4194304 { }

// Several attributes on one type, custom names, a nested struct and a partial declared in two parts.
[Softmax(10)]
[Softmax(4, MethodName = "Quad")]
public partial struct MultiHead
{
}

public static partial class Outer
{
    [Softmax(3, MethodName = "Probabilities")]
    internal partial class Nested
    {
    }
}
