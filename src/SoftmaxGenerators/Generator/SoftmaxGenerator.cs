using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using SoftmaxGenerators.Diagnostics;
using SoftmaxGenerators.Model;

namespace SoftmaxGenerators.Generator;

/// <summary>Generates fixed-length, numerically stable SIMD softmax kernels for types annotated with <c>[Softmax(N)]</c>.</summary>
[Generator(LanguageNames.CSharp)]
public sealed class SoftmaxGenerator : IIncrementalGenerator
{
    /// <summary>Tracking names of the pipeline steps (used by the caching tests).</summary>
    public static class TrackingNames
    {
        /// <summary>The models of the annotated types.</summary>
        public const string Models = nameof(Models);

        /// <summary>What the target framework and language version offer.</summary>
        public const string Capabilities = nameof(Capabilities);

        /// <summary>The generator's options from the build (<see cref="GeneratorOptions"/>).</summary>
        public const string Options = nameof(Options);

        /// <summary>Models combined with capabilities and options: the input of the source output.</summary>
        public const string Output = nameof(Output);
    }

    /// <inheritdoc />
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        IncrementalValueProvider<TargetCapabilities> capabilities = context.CompilationProvider
            .Select(static (compilation, cancellationToken) => Parser.ReadCapabilities(compilation, cancellationToken))
            .WithTrackingName(TrackingNames.Capabilities);

        IncrementalValueProvider<GeneratorOptions> options = context.AnalyzerConfigOptionsProvider
            .Select(static (provider, _) => Parser.ReadOptions(provider.GlobalOptions))
            .WithTrackingName(TrackingNames.Options);

        IncrementalValuesProvider<SoftmaxTypeModel> models = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                SoftmaxUsageRules.AttributeMetadataName,
                static (node, _) => node is ClassDeclarationSyntax or StructDeclarationSyntax or RecordDeclarationSyntax,
                static (attributeContext, cancellationToken) => Parser.Parse(attributeContext, cancellationToken))
            .Where(static model => model is not null)
            .Select(static (model, _) => model!)
            .WithTrackingName(TrackingNames.Models);

        IncrementalValuesProvider<((SoftmaxTypeModel Model, TargetCapabilities Capabilities) Target, GeneratorOptions Options)> output = models
            .Combine(capabilities)
            .Combine(options)
            .WithTrackingName(TrackingNames.Output);

        context.RegisterSourceOutput(output, static (productionContext, pair) =>
        {
            ((SoftmaxTypeModel model, TargetCapabilities capabilities), GeneratorOptions generatorOptions) = pair;
            if (!capabilities.CanGenerate)
            {
                return; // SMX1008 / SMX1009 explain why.
            }

            productionContext.AddSource(model.HintName, Emitter.Emit(model, capabilities, generatorOptions));
        });
    }
}
