using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using Xunit.Sdk;

namespace SoftmaxGenerators.Kernels.Tests;

/// <summary>The signatures of the generated layer methods (docs/testing.md, "Layer functions").</summary>
public static class Layer
{
    public delegate void Map<T>(ReadOnlySpan<T> input, Span<T> output);

    public delegate void Update<T>(Span<T> values);

    public delegate void MapWith<T>(ReadOnlySpan<T> input, Span<T> output, T temperature);

    public delegate void UpdateWith<T>(Span<T> values, T temperature);

    public delegate T Reduce<T>(ReadOnlySpan<T> input);

    public delegate T LabelLoss<T>(ReadOnlySpan<T> logits, int label);

    public delegate T LabelLossGradient<T>(ReadOnlySpan<T> logits, int label, Span<T> gradient);

    public delegate T TargetLoss<T>(ReadOnlySpan<T> logits, ReadOnlySpan<T> targets);

    public delegate T TargetLossGradient<T>(ReadOnlySpan<T> logits, ReadOnlySpan<T> targets, Span<T> gradient);

    public delegate T LabelsLoss<T>(ReadOnlySpan<T> logits, ReadOnlySpan<int> labels);

    public delegate T LabelsLossGradient<T>(ReadOnlySpan<T> logits, ReadOnlySpan<int> labels, Span<T> gradient);

    public delegate void Backward<T>(ReadOnlySpan<T> probabilities, ReadOnlySpan<T> outputGradient, Span<T> inputGradient);

    // The width hooks: the same with a leading width in bits (0: scalar).
    public delegate void WMap<T>(int width, ReadOnlySpan<T> input, Span<T> output);

    public delegate void WUpdate<T>(int width, Span<T> values);

    public delegate void WMapWith<T>(int width, ReadOnlySpan<T> input, Span<T> output, T temperature);

    public delegate void WUpdateWith<T>(int width, Span<T> values, T temperature);

    public delegate T WReduce<T>(int width, ReadOnlySpan<T> input);

    public delegate T WLabelLoss<T>(int width, ReadOnlySpan<T> logits, int label);

    public delegate T WLabelLossGradient<T>(int width, ReadOnlySpan<T> logits, int label, Span<T> gradient);

    public delegate T WTargetLoss<T>(int width, ReadOnlySpan<T> logits, ReadOnlySpan<T> targets);

    public delegate T WTargetLossGradient<T>(int width, ReadOnlySpan<T> logits, ReadOnlySpan<T> targets, Span<T> gradient);

    public delegate T WLabelsLoss<T>(int width, ReadOnlySpan<T> logits, ReadOnlySpan<int> labels);

    public delegate T WLabelsLossGradient<T>(int width, ReadOnlySpan<T> logits, ReadOnlySpan<int> labels, Span<T> gradient);

    public delegate void WBackward<T>(int width, ReadOnlySpan<T> probabilities, ReadOnlySpan<T> outputGradient, Span<T> inputGradient);
}

/// <summary>
/// A generated type with <c>Functions = SoftmaxFunctions.All</c> under test: its methods of one attribute (method name
/// <see cref="Method"/>), reached by reflection (a missing or misnamed method fails the tests that use it, with its
/// expected signature), through the public methods (path <see cref="KernelTable.Dispatch"/>) or one width's kernels
/// (the generated <c>__SoftmaxWidths</c> hooks).
/// </summary>
public sealed class LayerKernel
{
    public required Type Type { get; init; }

    public required int Length { get; init; }

    public bool Accurate { get; init; }

    /// <summary>The attribute's MethodName: "Softmax" or "Accurate".</summary>
    public string Method => Accurate ? "Accurate" : "Softmax";

    public string Path { get; init; } = KernelTable.Dispatch;

    public string SoftmaxName => Method;

    public string LogSoftmaxName => "Log" + Method;

    public string LogSumExpName => Method == "Softmax" ? "LogSumExp" : Method + "LogSumExp";

    public string CrossEntropyName => Method + "CrossEntropy";

    public string BackwardName => Method + "Backward";

    public LayerLane<float> Single => new(this, SingleWidths().Contains(Width) ? Width : -1);

    public LayerLane<double> Double => new(this, DoubleWidths().Contains(Width) ? Width : -1);

    /// <summary>The width of <see cref="Path"/> in bits; -1 for the dispatcher.</summary>
    public int Width => Path == KernelTable.Dispatch ? -1 : KernelTable.Bits(Path);

    public Type Hooks => Type.GetNestedType("__SoftmaxWidths", BindingFlags.Public | BindingFlags.NonPublic)
        ?? throw new XunitException($"{Type.Name} has no __SoftmaxWidths hooks class");

    public int[] SingleWidths() => (int[])Hook(Method + "SingleWidths").Invoke(null, null)!;

    public int[] DoubleWidths() => (int[])Hook(Method + "DoubleWidths").Invoke(null, null)!;

    public int SingleSelected() => (int)Hook(Method + "SingleSelectedWidth").Invoke(null, null)!;

    public int DoubleSelected() => (int)Hook(Method + "DoubleSelectedWidth").Invoke(null, null)!;

    private MethodInfo Hook(string name) =>
        Hooks.GetMethod(name, BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static, Type.EmptyTypes)
        ?? throw new XunitException($"{Type.Name}.__SoftmaxWidths has no {name}()");

    public LayerKernel At(string path) => new() { Type = Type, Length = Length, Accurate = Accurate, Path = path };

    public override string ToString() => $"{Type.Name}.{Method} {Path}";
}

/// <summary>
/// The functions of one element type of a <see cref="LayerKernel"/>, bound to its path: the public methods, or a width's
/// hooks when that width has a kernel for this type (else the public methods: <see cref="OnPath"/> is false).
/// </summary>
public sealed class LayerLane<T>
{
    private static readonly ConcurrentDictionary<(Type Type, string Name, Type Delegate), Delegate> Cache = new();

    private readonly LayerKernel kernel;
    private readonly int width;

    internal LayerLane(LayerKernel kernel, int width)
    {
        this.kernel = kernel;
        this.width = width;
    }

    /// <summary>Whether the functions run the kernel's path (false on a width without a kernel for T: the dispatcher).</summary>
    public bool OnPath => kernel.Path == KernelTable.Dispatch || width >= 0;

    public Layer.Map<T> Softmax => Bind<Layer.Map<T>, Layer.WMap<T>>(kernel.SoftmaxName, (h, w) => (i, o) => h(w, i, o));

    public Layer.Update<T> SoftmaxInPlace => Bind<Layer.Update<T>, Layer.WUpdate<T>>(kernel.SoftmaxName, (h, w) => v => h(w, v));

    public Layer.Map<T> SoftmaxRows => Bind<Layer.Map<T>, Layer.WMap<T>>(kernel.SoftmaxName + "Rows", (h, w) => (i, o) => h(w, i, o));

    public Layer.MapWith<T> Temperature => Bind<Layer.MapWith<T>, Layer.WMapWith<T>>(kernel.SoftmaxName, (h, w) => (i, o, t) => h(w, i, o, t));

    public Layer.UpdateWith<T> TemperatureInPlace => Bind<Layer.UpdateWith<T>, Layer.WUpdateWith<T>>(kernel.SoftmaxName, (h, w) => (v, t) => h(w, v, t));

    public Layer.MapWith<T> TemperatureRows => Bind<Layer.MapWith<T>, Layer.WMapWith<T>>(kernel.SoftmaxName + "Rows", (h, w) => (i, o, t) => h(w, i, o, t));

    public Layer.Map<T> LogSoftmax => Bind<Layer.Map<T>, Layer.WMap<T>>(kernel.LogSoftmaxName, (h, w) => (i, o) => h(w, i, o));

    public Layer.Update<T> LogSoftmaxInPlace => Bind<Layer.Update<T>, Layer.WUpdate<T>>(kernel.LogSoftmaxName, (h, w) => v => h(w, v));

    public Layer.Map<T> LogSoftmaxRows => Bind<Layer.Map<T>, Layer.WMap<T>>(kernel.LogSoftmaxName + "Rows", (h, w) => (i, o) => h(w, i, o));

    public Layer.Reduce<T> LogSumExp => Bind<Layer.Reduce<T>, Layer.WReduce<T>>(kernel.LogSumExpName, (h, w) => i => h(w, i));

    public Layer.Map<T> LogSumExpRows => Bind<Layer.Map<T>, Layer.WMap<T>>(kernel.LogSumExpName + "Rows", (h, w) => (i, o) => h(w, i, o));

    public Layer.LabelLoss<T> CrossEntropy => Bind<Layer.LabelLoss<T>, Layer.WLabelLoss<T>>(kernel.CrossEntropyName, (h, w) => (x, l) => h(w, x, l));

    public Layer.LabelLossGradient<T> CrossEntropyGradient => Bind<Layer.LabelLossGradient<T>, Layer.WLabelLossGradient<T>>(kernel.CrossEntropyName, (h, w) => (x, l, g) => h(w, x, l, g));

    public Layer.TargetLoss<T> SoftCrossEntropy => Bind<Layer.TargetLoss<T>, Layer.WTargetLoss<T>>(kernel.CrossEntropyName, (h, w) => (x, t) => h(w, x, t));

    public Layer.TargetLossGradient<T> SoftCrossEntropyGradient => Bind<Layer.TargetLossGradient<T>, Layer.WTargetLossGradient<T>>(kernel.CrossEntropyName, (h, w) => (x, t, g) => h(w, x, t, g));

    public Layer.LabelsLoss<T> CrossEntropyRows => Bind<Layer.LabelsLoss<T>, Layer.WLabelsLoss<T>>(kernel.CrossEntropyName + "Rows", (h, w) => (x, l) => h(w, x, l));

    public Layer.LabelsLossGradient<T> CrossEntropyRowsGradient => Bind<Layer.LabelsLossGradient<T>, Layer.WLabelsLossGradient<T>>(kernel.CrossEntropyName + "Rows", (h, w) => (x, l, g) => h(w, x, l, g));

    public Layer.TargetLoss<T> SoftCrossEntropyRows => Bind<Layer.TargetLoss<T>, Layer.WTargetLoss<T>>(kernel.CrossEntropyName + "Rows", (h, w) => (x, t) => h(w, x, t));

    public Layer.TargetLossGradient<T> SoftCrossEntropyRowsGradient => Bind<Layer.TargetLossGradient<T>, Layer.WTargetLossGradient<T>>(kernel.CrossEntropyName + "Rows", (h, w) => (x, t, g) => h(w, x, t, g));

    public Layer.Backward<T> Backward => Bind<Layer.Backward<T>, Layer.WBackward<T>>(kernel.BackwardName, (h, w) => (y, dy, dx) => h(w, y, dy, dx));

    public Layer.Backward<T> BackwardRows => Bind<Layer.Backward<T>, Layer.WBackward<T>>(kernel.BackwardName + "Rows", (h, w) => (y, dy, dx) => h(w, y, dy, dx));

    /// <summary>The public method <paramref name="name"/> with the signature of TDelegate, or its hook at this width.</summary>
    private TDelegate Bind<TDelegate, THook>(string name, Func<THook, int, TDelegate> close)
        where TDelegate : Delegate
        where THook : Delegate
    {
        if (width < 0)
        {
            return (TDelegate)Cache.GetOrAdd((kernel.Type, name, typeof(TDelegate)), key => Find<TDelegate>(key.Type, name, BindingFlags.Public));
        }

        var hook = (THook)Cache.GetOrAdd((kernel.Hooks, name, typeof(THook)), key => Find<THook>(key.Type, name, BindingFlags.Public | BindingFlags.NonPublic));
        return close(hook, width);
    }

    private static Delegate Find<TDelegate>(Type type, string name, BindingFlags visibility)
        where TDelegate : Delegate
    {
        MethodInfo invoke = typeof(TDelegate).GetMethod("Invoke")!;
        Type[] parameters = invoke.GetParameters().Select(p => p.ParameterType).ToArray();
        MethodInfo? method = type.GetMethod(name, visibility | BindingFlags.Static, parameters);
        if (method is null || method.ReturnType != invoke.ReturnType)
        {
            throw new XunitException(
                $"{type.FullName} has no static {Show(invoke.ReturnType)} {name}({string.Join(", ", parameters.Select(Show))})");
        }

        return method.CreateDelegate<TDelegate>();
    }

    public static string Show(Type type) => type.IsGenericType
        ? type.Name[..type.Name.IndexOf('`')] + "<" + string.Join(", ", type.GetGenericArguments().Select(Show)) + ">"
        : type.Name;
}

public static partial class LayerTable
{
    /// <summary>The generated types of the layer tests: Softmax (fast) and Accurate, every function, for each length.</summary>
    public static IReadOnlyList<LayerKernel> All { get; } = Types
        .SelectMany(t => new[] { false, true }.Select(accurate => new LayerKernel { Type = t.Type, Length = t.Length, Accurate = accurate }))
        .ToArray();

    public static LayerKernel Get(int length, bool accurate, string path = KernelTable.Dispatch) =>
        All.FirstOrDefault(k => k.Length == length && k.Accurate == accurate)?.At(path)
        ?? throw new ArgumentOutOfRangeException(nameof(length), length, "no layer kernel of this length");

    /// <summary>
    /// The dispatcher and each requested direct width (SOFTMAX_DIRECT_WIDTHS) that the generator emitted for one of
    /// the lanes, except the width the dispatcher selects for it (the dispatcher path already runs that kernel).
    /// </summary>
    public static IEnumerable<string> Paths(LayerKernel kernel, Lanes lanes)
    {
        yield return KernelTable.Dispatch;
        foreach (string path in KernelTable.RequestedDirectPaths)
        {
            int bits = KernelTable.Bits(path);
            bool single = lanes.HasFlag(Lanes.Single) && kernel.SingleWidths().Contains(bits) && kernel.SingleSelected() != bits;
            bool dbl = lanes.HasFlag(Lanes.Double) && kernel.DoubleWidths().Contains(bits) && kernel.DoubleSelected() != bits;
            if (single || dbl)
            {
                yield return path;
            }
        }
    }

    /// <summary>(length, accurate, path) of every layer kernel, for the lanes given.</summary>
    public static IEnumerable<object[]> Cases(Lanes lanes)
    {
        foreach (LayerKernel kernel in All)
        {
            foreach (string path in Paths(kernel, lanes))
            {
                yield return new object[] { kernel.Length, kernel.Accurate, path };
            }
        }
    }

    /// <summary>(length, accurate, path) for the lengths given, both precisions.</summary>
    public static IEnumerable<object[]> CasesOf(int[] lengths)
    {
        foreach (LayerKernel kernel in All.Where(k => lengths.Contains(k.Length)))
        {
            foreach (string path in Paths(kernel, Lanes.Both))
            {
                yield return new object[] { kernel.Length, kernel.Accurate, path };
            }
        }
    }
}
