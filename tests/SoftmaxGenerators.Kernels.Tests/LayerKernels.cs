using System;

namespace SoftmaxGenerators.Kernels.Tests;

// The layer functions (issue 10): every function, fast (MethodName Softmax) and accurate (MethodName Accurate), for a
// spread of lengths: a single value, a few, around each vector width of float and double (8, 16), odd lengths with
// remainders, and long rows. The layer tests reach them through LayerTable (by reflection, with the width hooks).
[Softmax(1, Functions = SoftmaxFunctions.All)][Softmax(1, Functions = SoftmaxFunctions.All, Precision = SoftmaxPrecision.Accurate, MethodName = "Accurate")] public static partial class L1 { }
[Softmax(2, Functions = SoftmaxFunctions.All)][Softmax(2, Functions = SoftmaxFunctions.All, Precision = SoftmaxPrecision.Accurate, MethodName = "Accurate")] public static partial class L2 { }
[Softmax(3, Functions = SoftmaxFunctions.All)][Softmax(3, Functions = SoftmaxFunctions.All, Precision = SoftmaxPrecision.Accurate, MethodName = "Accurate")] public static partial class L3 { }
[Softmax(7, Functions = SoftmaxFunctions.All)][Softmax(7, Functions = SoftmaxFunctions.All, Precision = SoftmaxPrecision.Accurate, MethodName = "Accurate")] public static partial class L7 { }
[Softmax(8, Functions = SoftmaxFunctions.All)][Softmax(8, Functions = SoftmaxFunctions.All, Precision = SoftmaxPrecision.Accurate, MethodName = "Accurate")] public static partial class L8 { }
[Softmax(9, Functions = SoftmaxFunctions.All)][Softmax(9, Functions = SoftmaxFunctions.All, Precision = SoftmaxPrecision.Accurate, MethodName = "Accurate")] public static partial class L9 { }
[Softmax(15, Functions = SoftmaxFunctions.All)][Softmax(15, Functions = SoftmaxFunctions.All, Precision = SoftmaxPrecision.Accurate, MethodName = "Accurate")] public static partial class L15 { }
[Softmax(16, Functions = SoftmaxFunctions.All)][Softmax(16, Functions = SoftmaxFunctions.All, Precision = SoftmaxPrecision.Accurate, MethodName = "Accurate")] public static partial class L16 { }
[Softmax(17, Functions = SoftmaxFunctions.All)][Softmax(17, Functions = SoftmaxFunctions.All, Precision = SoftmaxPrecision.Accurate, MethodName = "Accurate")] public static partial class L17 { }
[Softmax(31, Functions = SoftmaxFunctions.All)][Softmax(31, Functions = SoftmaxFunctions.All, Precision = SoftmaxPrecision.Accurate, MethodName = "Accurate")] public static partial class L31 { }
[Softmax(33, Functions = SoftmaxFunctions.All)][Softmax(33, Functions = SoftmaxFunctions.All, Precision = SoftmaxPrecision.Accurate, MethodName = "Accurate")] public static partial class L33 { }
[Softmax(64, Functions = SoftmaxFunctions.All)][Softmax(64, Functions = SoftmaxFunctions.All, Precision = SoftmaxPrecision.Accurate, MethodName = "Accurate")] public static partial class L64 { }
[Softmax(65, Functions = SoftmaxFunctions.All)][Softmax(65, Functions = SoftmaxFunctions.All, Precision = SoftmaxPrecision.Accurate, MethodName = "Accurate")] public static partial class L65 { }
[Softmax(100, Functions = SoftmaxFunctions.All)][Softmax(100, Functions = SoftmaxFunctions.All, Precision = SoftmaxPrecision.Accurate, MethodName = "Accurate")] public static partial class L100 { }
[Softmax(255, Functions = SoftmaxFunctions.All)][Softmax(255, Functions = SoftmaxFunctions.All, Precision = SoftmaxPrecision.Accurate, MethodName = "Accurate")] public static partial class L255 { }
[Softmax(1000, Functions = SoftmaxFunctions.All)][Softmax(1000, Functions = SoftmaxFunctions.All, Precision = SoftmaxPrecision.Accurate, MethodName = "Accurate")] public static partial class L1000 { }
[Softmax(4096, Functions = SoftmaxFunctions.All)][Softmax(4096, Functions = SoftmaxFunctions.All, Precision = SoftmaxPrecision.Accurate, MethodName = "Accurate")] public static partial class L4096 { }

public static partial class LayerTable
{
    /// <summary>The types of the layer tests and their row lengths.</summary>
    private static (Type Type, int Length)[] Types => new[]
    {
        (typeof(L1), 1),
        (typeof(L2), 2),
        (typeof(L3), 3),
        (typeof(L7), 7),
        (typeof(L8), 8),
        (typeof(L9), 9),
        (typeof(L15), 15),
        (typeof(L16), 16),
        (typeof(L17), 17),
        (typeof(L31), 31),
        (typeof(L33), 33),
        (typeof(L64), 64),
        (typeof(L65), 65),
        (typeof(L100), 100),
        (typeof(L255), 255),
        (typeof(L1000), 1000),
        (typeof(L4096), 4096),
    };
}
