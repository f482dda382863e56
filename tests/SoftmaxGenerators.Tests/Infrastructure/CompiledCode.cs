using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Emit;

namespace SoftmaxGenerators.Tests.Infrastructure;

/// <summary>
/// Compiles C# source against the .NET 10 references and System.Numerics.Tensors, loads it into a collectible
/// AssemblyLoadContext and calls a static method through reflection.
/// </summary>
public sealed class CompiledCode : IDisposable
{
    private readonly AssemblyLoadContext _context;
    private readonly Assembly _assembly;

    private CompiledCode(AssemblyLoadContext context, Assembly assembly)
    {
        _context = context;
        _assembly = assembly;
    }

    /// <summary>The compilation that was emitted (with the generated sources when the generator ran).</summary>
    public Compilation Compilation { get; private set; } = null!;

    public static CompiledCode Compile(string source) => Compile(source, withGenerator: false, OutputKind.DynamicallyLinkedLibrary);

    /// <summary>
    /// Compiles with SoftmaxGenerators.Attributes referenced and, when <paramref name="withGenerator"/> is set, the
    /// SoftmaxGenerators source generator run over the source, as a consumer's build does.
    /// </summary>
    public static CompiledCode Compile(string source, bool withGenerator, OutputKind outputKind, IReadOnlyDictionary<string, string>? globalOptions = null)
    {
        ImmutableArray<MetadataReference> references = TestReferences.Net10.Add(TestReferences.NumericsTensors);
        var parseOptions = new CSharpParseOptions(LanguageVersion.Latest);
        Compilation compilation = CSharpCompilation.Create(
            "Run" + Guid.NewGuid().ToString("N"),
            new[] { CSharpSyntaxTree.ParseText(source, parseOptions) },
            withGenerator ? references.Add(TestReferences.Attributes) : references,
            new CSharpCompilationOptions(outputKind, nullableContextOptions: NullableContextOptions.Enable, optimizationLevel: OptimizationLevel.Release));
        if (withGenerator)
        {
            CSharpGeneratorDriver.Create(
                    new[] { new SoftmaxGenerators.Generator.SoftmaxGenerator().AsSourceGenerator() },
                    parseOptions: parseOptions,
                    optionsProvider: new GlobalOptionsProvider(globalOptions ?? new Dictionary<string, string>()))
                .RunGeneratorsAndUpdateCompilation(compilation, out compilation, out _);
        }

        using var stream = new MemoryStream();
        EmitResult result = compilation.Emit(stream);
        if (!result.Success)
        {
            throw new InvalidOperationException("The code does not compile:\n"
                + string.Join("\n", result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error)) + "\n" + source);
        }

        stream.Position = 0;
        var context = new AssemblyLoadContext("SoftmaxGenerators.Tests.Run", isCollectible: true);
        string tensorsPath = Path.Combine(TestReferences.PackageRoot, "system.numerics.tensors", "11.0.0", "lib", "net10.0", "System.Numerics.Tensors.dll");
        context.Resolving += (loadContext, name) => name.Name == "System.Numerics.Tensors" ? loadContext.LoadFromAssemblyPath(tensorsPath) : null;
        return new CompiledCode(context, context.LoadFromStream(stream)) { Compilation = compilation };
    }

    /// <summary>Calls the static method <paramref name="method"/> of <paramref name="type"/>; generic methods are closed over double.</summary>
    public object? Invoke(string type, string method, params object?[] arguments)
    {
        MethodInfo info = _assembly.GetType(type, throwOnError: true)!.GetMethod(method, BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static)!;
        if (info.IsGenericMethodDefinition)
        {
            info = info.MakeGenericMethod(arguments[0] is float[] ? typeof(float) : typeof(double));
        }

        try
        {
            return info.Invoke(null, arguments);
        }
        catch (TargetInvocationException exception) when (exception.InnerException is not null)
        {
            throw exception.InnerException;
        }
    }

    /// <summary>A new instance of <paramref name="type"/> (public parameterless constructor).</summary>
    public object CreateInstance(string type) => Activator.CreateInstance(_assembly.GetType(type, throwOnError: true)!)!;

    /// <summary>Calls the instance method <paramref name="method"/> of <paramref name="instance"/>.</summary>
    public static object? Call(object instance, string method, params object?[] arguments)
    {
        MethodInfo info = instance.GetType().GetMethod(method, BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance)!;
        try
        {
            return info.Invoke(instance, arguments);
        }
        catch (TargetInvocationException exception) when (exception.InnerException is not null)
        {
            throw exception.InnerException;
        }
    }

    public void Dispose() => _context.Unload();
}
