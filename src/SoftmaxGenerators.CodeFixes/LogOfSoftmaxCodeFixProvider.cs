using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using SoftmaxGenerators.Analyzers.Patterns;
using SoftmaxGenerators.Diagnostics;

namespace SoftmaxGenerators.CodeFixes;

/// <summary>
/// SMX0003: log(Softmax(x)[k]) becomes the log-softmax x[k] - m - log(sum(exp(x - m))), computed once with LINQ
/// (m = x.Max()). Fixed where the probabilities come from a one-argument Softmax(x) call on an array or list of
/// double or float; other shapes are reported without a fix. Where x has a constant length N, a second action calls a
/// generated kernel instead: <c>-Log(p[k])</c> becomes <c>SoftmaxCrossEntropy(x, k)</c>, a loop <c>y[i] = Log(p[i])</c>
/// becomes <c>LogSoftmax(x, y)</c> (<see cref="GeneratedLayerSites"/>).
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(LogOfSoftmaxCodeFixProvider)), Shared]
public sealed class LogOfSoftmaxCodeFixProvider : NodeCodeFixProvider
{
    internal const string GeneratedTitle = "Use generated cross-entropy and log-softmax kernels";
    internal const string GeneratedEquivalenceKey = "SoftmaxGenerators.UseGeneratedLogSoftmax";

    private static readonly GeneratedKernelFix s_generated = new(GeneratedTitle, GeneratedEquivalenceKey, GeneratedLayerSites.LogOfSoftmaxAsync);

    /// <summary>Creates the provider.</summary>
    public LogOfSoftmaxCodeFixProvider()
        : base(NumericsDescriptors.LogOfSoftmaxId, "Compute the log-softmax directly", "SoftmaxGenerators.LogSoftmax", FixAsync, s_generated)
    {
    }

    /// <summary>For Math.Log(v) that is the whole body of v =&gt; ... in Select over the probabilities, the source syntax.</summary>
    private static SyntaxNode? SelectOverProbabilities(IInvocationOperation log)
    {
        if (OperationHelpers.Unwrap(log.Arguments[0].Value) is not IParameterReferenceOperation { Parameter: var parameter }
            || parameter.ContainingSymbol is not IMethodSymbol { MethodKind: MethodKind.AnonymousFunction, Parameters.Length: 1 }
            || log.Syntax.Parent is not LambdaExpressionSyntax { ExpressionBody: { } body } lambda || body != log.Syntax)
        {
            return null;
        }

        for (IOperation? current = log.Parent; current is not null; current = current.Parent)
        {
            if (current is IAnonymousFunctionOperation function)
            {
                return OperationHelpers.EnclosingCallOfDelegate(function) is { TargetMethod.Name: "Select" } call
                    && call.Arguments.Length == 2 && OperationHelpers.SourceOf(call) is { } source
                    && lambda.Span == function.Syntax.Span
                    ? OperationHelpers.Unwrap(source).Syntax
                    : null;
            }
        }

        return null;
    }

    internal static async Task<Document?> FixAsync(Document document, SyntaxNode node, CancellationToken cancellationToken)
    {
        FixContext? context = await FixContext.CreateAsync(document, node, cancellationToken).ConfigureAwait(false);
        SyntaxNode? root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        if (context is null || root is null)
        {
            return null;
        }

        List<LogOfSoftmaxMatch> matches = LogOfSoftmaxMatcher.Matches(context.Analysis);
        LogOfSoftmaxMatch? match = matches.FirstOrDefault(m => m.Log.Syntax.Span == node.Span);
        // Only a producer named like a softmax is taken to be softmax(its argument): a helper recognized by its body may
        // compute the logits itself (a network's forward pass), so no rewrite from its argument would be right.
        if (match?.Producer is not { } producer || producer.Arguments.Length != 1 || match.Log is not IInvocationOperation
            || !LogOfSoftmaxMatcher.IsSoftmaxName(producer.TargetMethod.Name))
        {
            return null;
        }

        // The logits: an array or a list of double or float, read through variables (x, batch[r], rows[i][j]) that
        // keep their values from the Softmax call to the last log (checked below, once the edited block is known).
        IOperation logits = producer.Arguments[0].Value;
        if (OperationHelpers.Unwrap(logits).Syntax is not ExpressionSyntax logitsSyntax
            || !OperationHelpers.IsPlainRead(OperationHelpers.Unwrap(logits)))
        {
            return null;
        }

        ITypeSymbol? logitsType = OperationHelpers.Unwrap(logits).Type;
        ITypeSymbol? element = logitsType switch
        {
            IArrayTypeSymbol { Rank: 1 } array => array.ElementType,
            INamedTypeSymbol { Name: "List", TypeArguments.Length: 1 } list when list.ContainingNamespace?.ToDisplayString() == "System.Collections.Generic" => list.TypeArguments[0],
            _ => null,
        };
        string? mathType = element?.SpecialType switch
        {
            SpecialType.System_Double => "Math",
            SpecialType.System_Single => "MathF",
            _ => null,
        };
        if (mathType is null || context.Analysis.Symbols.Enumerable is null)
        {
            return null;
        }

        // Every log of the same probabilities, each p[k] with a side-effect-free index.
        var logs = new List<(IInvocationOperation Log, IOperation? Index)>();
        var sources = new List<SyntaxNode>();
        foreach (LogOfSoftmaxMatch other in matches)
        {
            bool same = other.Producer == producer
                || (match.Probabilities is not null && SymbolEqualityComparer.Default.Equals(other.Probabilities, match.Probabilities));
            if (!same)
            {
                continue;
            }

            if (other.Log is not IInvocationOperation log || log.Arguments.Length != 1)
            {
                return null;
            }

            // p.Select(v => Math.Log(v)) becomes logits.Select(v => (v - logSumExp)).
            if (SelectOverProbabilities(log) is { } source)
            {
                logs.Add((log, null));
                sources.Add(source);
                continue;
            }

            if (OperationHelpers.Unwrap(log.Arguments[0].Value) is not IArrayElementReferenceOperation and not IPropertyReferenceOperation { Property.IsIndexer: true })
            {
                return null;
            }

            IOperation access = OperationHelpers.Unwrap(log.Arguments[0].Value);
            IOperation? index = access switch
            {
                IArrayElementReferenceOperation { Indices.Length: 1 } array => array.Indices[0],
                IPropertyReferenceOperation { Arguments.Length: 1 } indexer => indexer.Arguments[0].Value,
                _ => null,
            };
            if (index is null || !OperationHelpers.IsPlainRead(index))
            {
                return null;
            }

            logs.Add((log, index));
        }

        if (match.Probabilities is ILocalSymbol probabilities && context.Analysis.WritesOf(probabilities).Count(w => !w.Element) != 1)
        {
            return null;
        }

        // Insert before the first log's statement, at the level of the block that declares the probabilities.
        SyntaxNode firstLog = logs.Select(l => l.Log.Syntax).OrderBy(s => s.SpanStart).First();
        StatementSyntax? insertion;
        SyntaxNode? scope = match.Probabilities is ILocalSymbol local
            ? local.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(cancellationToken).FirstAncestorOrSelf<StatementSyntax>()?.Parent
            : firstLog.Ancestors().OfType<StatementSyntax>().FirstOrDefault(s => s.Parent is BlockSyntax)?.Parent;
        if (scope is BlockSyntax block)
        {
            insertion = firstLog.Ancestors().OfType<StatementSyntax>().FirstOrDefault(s => s.Parent == block);
            if (insertion is null || logs.Any(l => !block.Span.Contains(l.Log.Syntax.Span) || l.Log.Syntax.SpanStart < insertion.SpanStart))
            {
                return null;
            }
        }
        else if (match.Probabilities is null && context.Member is BaseMethodDeclarationSyntax { ExpressionBody: not null })
        {
            insertion = null;
        }
        else
        {
            return null;
        }

        // Every variable the logits read keeps its value over the edited code: never written in this body, or (in a
        // loop body) written only outside the block that receives the new statements.
        var read = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
        OperationHelpers.CollectReferencedSymbols(logits, read);
        foreach (ISymbol symbol in read)
        {
            foreach (Write write in context.Analysis.WritesOf(symbol))
            {
                if (write.Node is not IVariableDeclaratorOperation && (scope is not BlockSyntax scopeBlock || scopeBlock.Span.Contains(write.Node.Syntax.Span)))
                {
                    return null;
                }
            }
        }

        SyntaxNode position = (SyntaxNode?)insertion ?? context.Member;
        string max = ShiftPlanner.UniqueName(context, position, "max");
        string logSumExp = ShiftPlanner.UniqueName(context, position, "logSumExp", max);
        string v = ShiftPlanner.UniqueName(context, position, "v", max, logSumExp);
        string x = logitsSyntax.WithoutTrivia().ToString();
        string type = element!.SpecialType == SpecialType.System_Double ? "double" : "float";
        string math = mathType == "Math" || context.Analysis.Symbols.MathF is null ? "Math" : "MathF";
        var plan = new ShiftPlan(context.Member, insertion, max);
        plan.ReturnsVoid = context.Model.GetDeclaredSymbol(context.Member, cancellationToken) is IMethodSymbol { ReturnsVoid: true };
        plan.Statements.Add($"{type} {max} = {x}.Max();");
        plan.Statements.Add($"{type} {logSumExp} = {max} + {(type == "float" && math == "Math" ? "(float)" : string.Empty)}{math}.Log({x}.Sum({v} => {math}.Exp({v} - {max})));");
        foreach ((IInvocationOperation log, IOperation? index) in logs)
        {
            if (index is null)
            {
                string parameter = ((IParameterReferenceOperation)OperationHelpers.Unwrap(log.Arguments[0].Value)).Parameter.Name;
                plan.Replacements.Add((log.Syntax, _ => $"({parameter} - {logSumExp})"));
                continue;
            }

            string indexText = ((ExpressionSyntax)index.Syntax).WithoutTrivia().ToString();
            plan.Replacements.Add((log.Syntax, _ => $"({x}[{indexText}] - {logSumExp})"));
        }

        foreach (SyntaxNode source in sources)
        {
            plan.Replacements.Add((source, _ => x));
        }

        // The fix reads the logits with Enumerable.Max and Sum: bring System.Linq into scope where it is not.
        bool linqInScope = context.Model.LookupSymbols(logitsSyntax.SpanStart, logitsType, "Max", includeReducedExtensionMethods: true)
            .Any(m => m.ContainingType?.Name == "Enumerable");
        SyntaxNode edited = plan.Apply(root);
        return document.WithSyntaxRoot(linqInScope ? edited : Imports.Add(edited, "System.Linq", Imports.EndOfLine(root)));
    }
}
