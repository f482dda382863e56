using System.Collections.Generic;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using SoftmaxGenerators.Analyzers.Patterns;
using SoftmaxGenerators.Diagnostics;

namespace SoftmaxGenerators.CodeFixes;

/// <summary>
/// SMX0006: exp(z) / (1 + exp(z)) becomes 1 / (1 + exp(-z)), keeping the exponential function, the 1 and the numeric
/// type the user wrote. With the exponential in a local used only by the division, the local's initializer is negated
/// (k = exp(-z); 1 / (1 + k)); otherwise the division reads a negated copy of the exponential when its exponent is a
/// plain read not written in between. The fix is offered only when the result compiles with the original type.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(NaiveLogisticCodeFixProvider)), Shared]
public sealed class NaiveLogisticCodeFixProvider : NodeCodeFixProvider
{
    private static readonly string s_annotationKind = "SoftmaxGenerators.LogisticFix";

    /// <summary>Creates the provider.</summary>
    public NaiveLogisticCodeFixProvider()
        : base(NumericsDescriptors.NaiveLogisticId, "Use 1 / (1 + exp(-x))", "SoftmaxGenerators.StableLogistic", FixAsync)
    {
    }

    internal static async Task<Document?> FixAsync(Document document, SyntaxNode node, CancellationToken cancellationToken)
    {
        SyntaxNode? root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        SemanticModel? model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        if (root is null || model is null || node is not BinaryExpressionSyntax division
            || NumericsSymbols.Create(model.Compilation) is not { } symbols
            || model.GetOperation(division, cancellationToken) is not IBinaryOperation operation
            || operation.Type is not { } originalType
            || LogisticMatcher.Match(symbols, operation) is not { } match
            || match.Exponent.Syntax is not ExpressionSyntax exponent)
        {
            return null;
        }

        string one = match.One.Syntax.WithoutTrivia().ToString();
        string negated = Negate(exponent, match.Exponent);
        var edits = new Dictionary<SyntaxNode, string>();
        if (match.Holder is null)
        {
            // exp(z) / (1 + exp(z)) -> 1 / (1 + exp(-z)): the denominator keeps its casts.
            if (!division.Right.Span.Contains(exponent.Span))
            {
                return null;
            }

            string numerator = match.Scaled ? "1" : one;
            if (match.NumeratorFactor is not null)
            {
                if (match.NumeratorFactor.Syntax is not ExpressionSyntax factor || !division.Left.Span.Contains(factor.Span))
                {
                    return null;
                }

                // The factor moves to the left of the division.
                numerator = LeftOfMultiplicative(factor);
            }

            if (match.Scaled)
            {
                // c * exp(z) / (b + k * exp(z)) -> c / (k + b * exp(-z))
                if (match.Exp.Syntax is not ExpressionSyntax expCall || !expCall.Span.Contains(exponent.Span)
                    || match.One.Syntax is not ExpressionSyntax b || !division.Right.Span.Contains(b.Span))
                {
                    return null;
                }

                string k = match.DenominatorFactor?.Syntax is ExpressionSyntax kSyntax ? LeftOfMultiplicative(kSyntax) : "1";
                edits[division] = numerator + " / (" + k + " + " + LeftOfMultiplicative(b) + " * " + Splice(expCall, exponent, negated) + ")";
            }
            else
            {
                edits[division] = numerator + " / " + Splice(division.Right, exponent, negated);
            }
        }
        else if (match.Scaled)
        {
            return null;
        }
        else if (match.Holder is ILocalSymbol local && match.DefinitionStatement is IVariableDeclarationGroupOperation
            && IsUsedOnlyBy(operation, local))
        {
            // var k = exp(z); ... k / (1 + k) -> var k = exp(-z); ... 1 / (1 + k)
            edits[exponent] = negated;
            edits[division] = one + " / " + division.Right.WithoutTrivia().ToString();
        }
        else
        {
            // k is read elsewhere: keep it and divide by a negated copy of its value.
            if (match.DefinitionValue?.Syntax is not ExpressionSyntax value || !value.Span.Contains(exponent.Span)
                || !OperationHelpers.IsPlainRead(match.Exponent) || !ExponentUnchangedUntil(symbols, match, operation)
                || !division.Right.Span.Contains(match.DenominatorExp.Syntax.Span))
            {
                return null;
            }

            string copy = Splice(value, exponent, negated);
            if (value is not InvocationExpressionSyntax)
            {
                copy = "(" + copy + ")";
            }

            edits[division] = one + " / " + Splice(division.Right, match.DenominatorExp.Syntax, copy);
        }

        var annotations = new Dictionary<SyntaxNode, SyntaxAnnotation>();
        foreach (SyntaxNode original in edits.Keys)
        {
            annotations[original] = new SyntaxAnnotation(s_annotationKind);
        }

        SyntaxNode newRoot = root.ReplaceNodes(edits.Keys, (original, _) =>
            SyntaxFactory.ParseExpression(edits[original]).WithTriviaFrom(original).WithAdditionalAnnotations(annotations[original]));
        Document fixedDocument = document.WithSyntaxRoot(newRoot);

        // No fix beats a wrong one: the rewritten expressions must bind without errors and keep the division's type.
        SemanticModel? fixedModel = await fixedDocument.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        SyntaxNode? fixedRoot = await fixedDocument.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        if (fixedModel is null || fixedRoot is null)
        {
            return null;
        }

        foreach (SyntaxAnnotation annotation in annotations.Values)
        {
            foreach (SyntaxNode rewritten in fixedRoot.GetAnnotatedNodes(annotation))
            {
                if (fixedModel.GetDiagnostics(rewritten.Span, cancellationToken).Any(d => d.Severity == DiagnosticSeverity.Error))
                {
                    return null;
                }
            }
        }

        SyntaxNode? newDivision = fixedRoot.GetAnnotatedNodes(annotations[division]).FirstOrDefault();
        ITypeSymbol? newType = newDivision is null ? null : fixedModel.GetTypeInfo(newDivision, cancellationToken).Type;
        if (newType is null || newType.ToDisplayString() != originalType.ToDisplayString())
        {
            return null;
        }

        return fixedDocument;
    }

    /// <summary>-z as source text: -x becomes x, a primary expression gets a minus, anything else -(...).</summary>
    private static string Negate(ExpressionSyntax exponent, IOperation operation)
    {
        ExpressionSyntax bare = StripParentheses(exponent);
        if (bare is PrefixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.UnaryMinusExpression } minus
            && OperationHelpers.Unwrap(operation) is IUnaryOperation { OperatorKind: UnaryOperatorKind.Minus })
        {
            return StripParentheses(minus.Operand).WithoutTrivia().ToString();
        }

        string text = bare.WithoutTrivia().ToString();
        return bare is IdentifierNameSyntax or MemberAccessExpressionSyntax or ElementAccessExpressionSyntax or InvocationExpressionSyntax
            or LiteralExpressionSyntax or ThisExpressionSyntax or GenericNameSyntax
            ? "-" + text
            : "-(" + text + ")";
    }

    private static ExpressionSyntax StripParentheses(ExpressionSyntax expression)
    {
        while (expression is ParenthesizedExpressionSyntax parenthesized)
        {
            expression = parenthesized.Expression;
        }

        return expression;
    }

    /// <summary>The expression as the left operand of <c>*</c> or <c>/</c> (and so of <c>+</c>): a product or quotient
    /// keeps its value there (the operators associate to the left), anything of lower precedence is parenthesized.</summary>
    private static string LeftOfMultiplicative(ExpressionSyntax expression)
    {
        string text = expression.WithoutTrivia().ToString();
        return expression is IdentifierNameSyntax or MemberAccessExpressionSyntax or ElementAccessExpressionSyntax or InvocationExpressionSyntax
                or LiteralExpressionSyntax or ParenthesizedExpressionSyntax or CastExpressionSyntax or PrefixUnaryExpressionSyntax
            || (expression is BinaryExpressionSyntax binary && binary.Kind() is SyntaxKind.MultiplyExpression or SyntaxKind.DivideExpression)
            ? text
            : "(" + text + ")";
    }

    /// <summary>The text of <paramref name="container"/> with <paramref name="inner"/> replaced.</summary>
    private static string Splice(SyntaxNode container, SyntaxNode inner, string replacement)
    {
        string text = container.WithoutTrivia().ToString();
        int start = inner.Span.Start - container.Span.Start;
        return text.Substring(0, start) + replacement + text.Substring(start + inner.Span.Length);
    }

    /// <summary>The local is read only by the division (its two reads).</summary>
    private static bool IsUsedOnlyBy(IOperation division, ILocalSymbol local)
    {
        IOperation top = division;
        while (top.Parent is not null)
        {
            top = top.Parent;
        }

        int reads = 0;
        foreach (IOperation node in OperationHelpers.DescendantsAndSelf(top))
        {
            if (node is ILocalReferenceOperation reference && SymbolEqualityComparer.Default.Equals(reference.Local, local))
            {
                if (!division.Syntax.Span.Contains(reference.Syntax.Span))
                {
                    return false;
                }

                reads++;
            }
        }

        return reads == 2;
    }

    /// <summary>
    /// Nothing between the holder's definition and the division (in one block) writes what the exponent reads, so a
    /// copy of the exponential at the division computes the same value.
    /// </summary>
    private static bool ExponentUnchangedUntil(NumericsSymbols symbols, LogisticMatch match, IOperation division)
    {
        if (match.DefinitionStatement?.Parent is not IBlockOperation block)
        {
            return false;
        }

        IOperation? statement = division;
        while (statement is not null && statement.Parent != block)
        {
            statement = statement.Parent;
        }

        if (statement is null)
        {
            return false;
        }

        var read = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
        OperationHelpers.CollectReferencedSymbols(match.Exponent, read);
        bool started = false;
        foreach (IOperation current in block.Operations)
        {
            if (current == match.DefinitionStatement)
            {
                started = true;
                continue;
            }

            if (!started)
            {
                continue;
            }

            foreach (ISymbol symbol in read)
            {
                if (LogisticMatcher.Writes(symbols, current, symbol, callsWrite: symbol is IFieldSymbol or IPropertySymbol))
                {
                    return false;
                }
            }

            if (current == statement)
            {
                return true;
            }
        }

        return false;
    }
}
