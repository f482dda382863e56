using SoftmaxGenerators;

namespace SoftmaxGenerators.Kernels.Tests;

// One generated type per row length under test.
[Softmax(1)] public static partial class K1 { }
[Softmax(2)] public static partial class K2 { }
[Softmax(3)] public static partial class K3 { }
[Softmax(7)] public static partial class K7 { }
[Softmax(8)] public static partial class K8 { }
[Softmax(9)] public static partial class K9 { }
[Softmax(10)] public static partial class K10 { }
[Softmax(15)] public static partial class K15 { }
[Softmax(16)] public static partial class K16 { }
[Softmax(17)] public static partial class K17 { }
[Softmax(31)] public static partial class K31 { }
[Softmax(32)] public static partial class K32 { }
[Softmax(33)] public static partial class K33 { }
[Softmax(63)] public static partial class K63 { }
[Softmax(64)] public static partial class K64 { }
[Softmax(65)] public static partial class K65 { }
[Softmax(100)] public static partial class K100 { }
[Softmax(127)] public static partial class K127 { }
[Softmax(128)] public static partial class K128 { }
[Softmax(129)] public static partial class K129 { }
[Softmax(255)] public static partial class K255 { }
[Softmax(256)] public static partial class K256 { }
[Softmax(1000)] public static partial class K1000 { }
[Softmax(1024)] public static partial class K1024 { }
[Softmax(4096)] public static partial class K4096 { }
[Softmax(65536)] public static partial class K65536 { }

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
