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

    /// <summary>Just enough of the Unity API for the rules to bind calls as Unity's compiler does.</summary>
    public const string UnityStubs = """
        namespace UnityEngine
        {
            public static class Mathf
            {
                public const float E = 2.7182817f;
                public static float Exp(float power) => (float)System.Math.Exp(power);
                public static float Log(float f) => (float)System.Math.Log(f);
                public static float Log(float f, float p) => (float)System.Math.Log(f, p);
                public static float Max(float a, float b) => a > b ? a : b;
                public static float Min(float a, float b) => a < b ? a : b;
                public static float Clamp(float value, float min, float max) => value < min ? min : value > max ? max : value;
                public static float Abs(float f) => System.Math.Abs(f);
                public static float Pow(float f, float p) => (float)System.Math.Pow(f, p);
            }

            public static class Random
            {
                public static float value => 0.5f;
                public static float Range(float min, float max) => min;
            }
        }

        namespace Unity.Mathematics
        {
            public static class math
            {
                public static float exp(float x) => (float)System.Math.Exp(x);
                public static double exp(double x) => System.Math.Exp(x);
                public static float log(float x) => (float)System.Math.Log(x);
                public static float max(float a, float b) => a > b ? a : b;
                public static float abs(float x) => System.Math.Abs(x);
            }
        }
        """;
}
