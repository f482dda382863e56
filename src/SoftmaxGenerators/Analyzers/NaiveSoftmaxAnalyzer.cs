using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using SoftmaxGenerators.Analyzers.Patterns;
using SoftmaxGenerators.Diagnostics;

namespace SoftmaxGenerators.Analyzers;

/// <summary>
/// SMX0001: exponentials of values that were not shifted by their maximum, summed, and used to normalize (a naive
/// softmax). Works per method body on <see cref="Microsoft.CodeAnalysis.IOperation"/>; a sum kept in a field is
/// matched against divisions anywhere in the type.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class NaiveSoftmaxAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(NumericsDescriptors.NaiveSoftmax);

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

            start.RegisterSymbolStartAction(
                symbolStart =>
                {
                    var type = (INamedTypeSymbol)symbolStart.Symbol;
                    if (!symbols.Interest.MayBeInteresting(type))
                    {
                        // No declaration of the type names an exponential: none of its bodies can hold one.
                        return;
                    }

                    var pending = new ConcurrentQueue<(Diagnostic Diagnostic, IFieldSymbol Field)>();
                    var bodies = new ConcurrentQueue<ImmutableArray<IOperation>>();
                    var exponentialFields = new ConcurrentDictionary<IFieldSymbol, bool>(SymbolEqualityComparer.Default);
                    symbolStart.RegisterOperationBlockAction(block =>
                    {
                        if (!SymbolEqualityComparer.Default.Equals(block.OwningSymbol.ContainingType, type))
                        {
                            return;
                        }

                        bodies.Enqueue(block.OperationBlocks);
                        if (BodyAnalysis.GetOrCreate(symbols, block.OperationBlocks) is not { } analysis)
                        {
                            return;
                        }

                        lock (analysis)
                        {
                            foreach (ISymbol holder in analysis.ExponentialHolderSymbols)
                            {
                                if (holder is IFieldSymbol field)
                                {
                                    exponentialFields[field] = true;
                                }
                            }

                            foreach ((ExpSite site, IFieldSymbol? deferredField) in analysis.NaiveNormalizations())
                            {
                                Diagnostic diagnostic = Diagnostic.Create(
                                    NumericsDescriptors.NaiveSoftmax,
                                    site.Node.Syntax.GetLocation(),
                                    DiagnosticText.Describe(site.Node.Syntax));
                                if (deferredField is null)
                                {
                                    block.ReportDiagnostic(diagnostic);
                                }
                                else
                                {
                                    pending.Enqueue((diagnostic, deferredField));
                                }
                            }
                        }
                    });
                    symbolStart.RegisterSymbolEndAction(end =>
                    {
                        if (pending.IsEmpty)
                        {
                            return;
                        }

                        // A sum kept in a field: which members divide by which fields (only for the rare types that
                        // need it, so the bodies are walked again here instead of in every type).
                        var fieldDivisors = new HashSet<IFieldSymbol>(SymbolEqualityComparer.Default);
                        var fieldRatios = new List<(IFieldSymbol Divisor, IFieldSymbol Numerator)>();
                        foreach (ImmutableArray<IOperation> body in bodies)
                        {
                            BodyAnalysis.CollectFieldDivisions(body, (divisor, numerator) =>
                            {
                                if (numerator is null)
                                {
                                    fieldDivisors.Add(divisor);
                                }
                                else
                                {
                                    fieldRatios.Add((divisor, numerator));
                                }
                            });
                        }

                        foreach ((IFieldSymbol divisor, IFieldSymbol numerator) in fieldRatios)
                        {
                            if (exponentialFields.ContainsKey(numerator))
                            {
                                fieldDivisors.Add(divisor);
                            }
                        }

                        foreach ((Diagnostic diagnostic, IFieldSymbol field) in pending)
                        {
                            if (fieldDivisors.Contains(field))
                            {
                                end.ReportDiagnostic(diagnostic);
                            }
                        }
                    });
                },
                SymbolKind.NamedType);
        });
    }
}
