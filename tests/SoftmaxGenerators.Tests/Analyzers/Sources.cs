namespace SoftmaxGenerators.Tests.Analyzers;

/// <summary>Wraps class members in a compilation unit with the usings the cases need.</summary>
internal static class Sources
{
    public const string Usings = """
        using System;
        using System.Collections.Generic;
        using System.Linq;
        using System.Numerics;
        using System.Numerics.Tensors;

        """;

    public static string Class(string members) => Usings + "public class C\n{\n" + members + "\n}\n";
}
