using System.Collections.Concurrent;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using SoftmaxGenerators.Analyzers.Patterns;
using SoftmaxGenerators.Diagnostics;

namespace SoftmaxGenerators.Analyzers;

/// <summary>
/// SMX0003: the log of a softmax probability (-log(p[label]), Select(p => Math.Log(p)) over a softmax result, a
/// cross-entropy from probabilities). A value is a softmax result when it comes from a method named Softmax, from
/// TensorPrimitives.SoftMax, from exponentials divided by their sum in the same body, or from a method of the
/// compilation that leaves them in an argument or a field; and the log may be in a method the probabilities are passed
/// to (<c>CrossEntropy(Softmax(z), y)</c>), reported there, once.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class LogOfSoftmaxAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(NumericsDescriptors.LogOfSoftmax);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(static start =>
        {
            NumericsSymbols? symbols = NumericsSymbols.Create(start.Compilation, start.Options);
            if (symbols is null)
            {
                return;
            }

            // A log is reported once, whether its own body or a caller that passes it probabilities finds it.
            var reported = new ConcurrentDictionary<SyntaxNode, bool>();
            void Report(OperationBlockAnalysisContext block, SyntaxNode log)
            {
                if (reported.TryAdd(log, true))
                {
                    block.ReportDiagnostic(Diagnostic.Create(NumericsDescriptors.LogOfSoftmax, log.GetLocation(), DiagnosticText.Describe(log)));
                }
            }

            start.RegisterOperationBlockAction(block =>
            {
                if (BodyAnalysis.GetOrCreate(symbols, block.OperationBlocks) is not { } analysis)
                {
                    return;
                }


                lock (analysis)
                {
                    foreach (LogOfSoftmaxMatch match in LogOfSoftmaxMatcher.Matches(analysis))
                    {
                        Report(block, match.Log.Syntax);
                    }

                    foreach (SyntaxNode log in LogOfSoftmaxMatcher.CalleeLogs(analysis))
                    {
                        Report(block, log);
                    }
                }
            });
        });
    }
}
