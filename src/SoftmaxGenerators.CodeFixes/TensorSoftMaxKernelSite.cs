using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using Microsoft.CodeAnalysis.Text;
using SoftmaxGenerators.Analyzers.Patterns;
using SoftmaxGenerators.Diagnostics;

namespace SoftmaxGenerators.CodeFixes;

/// <summary>
/// SMX0004's second fix: a <c>TensorPrimitives.SoftMax(x, d)</c> call as a call to a generated kernel. Where both spans
/// provably hold the same constant number of values N, the site is SMX0005's (<c>[Softmax(N)]</c>). Otherwise the
/// kernel is <c>[Softmax]</c>'s, for rows of any length, which requires <c>d</c> to be exactly as long as <c>x</c> where
/// SoftMax accepts a longer destination and writes its start: the call keeps <c>d</c> when it is <c>x</c> or provably
/// as long (<see cref="ConstantLengths.SameLength"/>), and passes <c>d.Slice(0, x.Length)</c> (<c>d.AsSpan(0,
/// x.Length)</c> for an array) otherwise, which needs <c>x</c> to read the same twice: a local, a parameter or a field
/// of <c>this</c> or of the type, with a destination whose evaluation cannot change it (variables, fields, constants,
/// <c>AsSpan</c>/<c>Slice</c> of them). Elsewhere no site.
/// </summary>
internal static class TensorSoftMaxKernelSite
{
    public static async Task<GeneratedSoftmaxRewriter.Site?> FindAsync(Document document, TextSpan span, CancellationToken cancellationToken)
    {
        if (await GeneratedSoftmaxRewriter.FindSiteAsync(document, span, cancellationToken).ConfigureAwait(false) is { } constant)
        {
            return constant;
        }

        SyntaxNode? root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        SemanticModel? model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        if (root is null || model is null || !root.FullSpan.Contains(span))
        {
            return null;
        }

        InvocationExpressionSyntax? call = root.FindNode(span, getInnermostNodeForTie: true)
            .AncestorsAndSelf()
            .OfType<InvocationExpressionSyntax>()
            .FirstOrDefault(candidate => candidate.Span == span);
        NumericsSymbols? symbols = NumericsSymbols.Create(model.Compilation, document.Project.AnalyzerOptions);
        if (call is null || call.ContainsDiagnostics || symbols is null
            || model.GetOperation(call, cancellationToken) is not IInvocationOperation operation
            || !symbols.IsTensorPrimitives(operation.TargetMethod, "SoftMax")
            || operation.TargetMethod.Parameters.Length != 2 || operation.Arguments.Length != 2
            || GeneratedSoftmaxCandidates.ElementType(operation.TargetMethod.Parameters[0].Type) == SpecialType.None
            || GeneratedSoftmaxCandidates.ElementType(operation.TargetMethod.Parameters[1].Type) != GeneratedSoftmaxCandidates.ElementType(operation.TargetMethod.Parameters[0].Type)
            || OperationHelpers.Argument(operation, 0) is not { } source || source is IInvalidOperation
            || OperationHelpers.Argument(operation, 1) is not { } destination || destination is IInvalidOperation
            || ArgumentSyntax(operation, 0) is not { } sourceSyntax
            || ArgumentSyntax(operation, 1) is not { } destinationSyntax)
        {
            return null;
        }

        // The type that will hold the kernel, and the member that contains the call (as SMX0005's sites).
        if (!GeneratedSoftmaxRewriter.TryLocate(document, model, call, cancellationToken, out INamedTypeSymbol type, out SyntaxNode memberSyntax, out int order))
        {
            return null;
        }

        ExpressionSyntax? output = Destination(model, operation, source, destination, sourceSyntax, destinationSyntax);
        if (output is null)
        {
            return null;
        }

        return new GeneratedSoftmaxRewriter.Site(
            document, order, call, SoftmaxUsageRules.RuntimeLength, type, sourceSyntax, output, memberSyntax, ImmutableArray<StatementSyntax>.Empty);
    }

    /// <summary>The kernel's output argument: the destination itself when it is as long as the source, else its first x.Length values.</summary>
    private static ExpressionSyntax? Destination(SemanticModel model, IInvocationOperation call, IOperation source, IOperation destination, ExpressionSyntax sourceSyntax, ExpressionSyntax destinationSyntax)
    {
        ISymbol? sourceVariable = Variable(source);
        if (sourceVariable is not null && SymbolEqualityComparer.Default.Equals(sourceVariable, Variable(destination)))
        {
            return destinationSyntax;
        }

        var lengths = new ConstantLengths(ConstantLengths.RootOf(call), new ConstantLengths.Symbols(model.Compilation));
        if (lengths.SameLength(source, destination))
        {
            return destinationSyntax;
        }

        // Slicing reads the source twice (x, then x.Length): a variable that nothing in between can change.
        IOperation read = OperationHelpers.Unwrap(source);
        if (sourceVariable is null || !HasLength(read.Type) || !Harmless(destination, 0))
        {
            return null;
        }

        string owner = destinationSyntax is IdentifierNameSyntax or MemberAccessExpressionSyntax or InvocationExpressionSyntax or ElementAccessExpressionSyntax or ThisExpressionSyntax
            ? destinationSyntax.WithoutTrivia().ToString()
            : "(" + destinationSyntax.WithoutTrivia() + ")";
        string length = read.Syntax is ExpressionSyntax readSyntax ? readSyntax.WithoutTrivia() + ".Length" : sourceSyntax.WithoutTrivia() + ".Length";
        string? sliced = OperationHelpers.Unwrap(destination).Type switch
        {
            INamedTypeSymbol { Name: "Span", TypeArguments.Length: 1 } span when ConstantLengths.IsSpan(span) => $"{owner}.Slice(0, {length})",
            IArrayTypeSymbol { Rank: 1 } when MemoryExtensionsVisible(model, call.Syntax.SpanStart) => $"{owner}.AsSpan(0, {length})",
            _ => null,
        };
        return sliced is null ? null : SyntaxFactory.ParseExpression(sliced);
    }

    /// <summary>A local, a parameter, or a field of <c>this</c> or of the type: the same value each time it is read here.</summary>
    private static ISymbol? Variable(IOperation operation) => OperationHelpers.Unwrap(operation) switch
    {
        ILocalReferenceOperation local => local.Local,
        IParameterReferenceOperation parameter => parameter.Parameter,
        IFieldReferenceOperation { Instance: null or IInstanceReferenceOperation } field => field.Field,
        _ => null,
    };

    private static bool HasLength(ITypeSymbol? type) => type is IArrayTypeSymbol { Rank: 1 } || ConstantLengths.IsSpan(type);

    /// <summary>An expression whose evaluation writes nothing: variables, fields, constants, arithmetic, Length, AsSpan and Slice of them.</summary>
    private static bool Harmless(IOperation operation, int depth)
    {
        if (depth > 8)
        {
            return false;
        }

        operation = OperationHelpers.Unwrap(operation);
        switch (operation)
        {
            case ILocalReferenceOperation or IParameterReferenceOperation or IInstanceReferenceOperation or ILiteralOperation:
                return true;
            case IFieldReferenceOperation field:
                return field.Instance is null || Harmless(field.Instance, depth + 1);
            case IBinaryOperation binary when binary.OperatorMethod is null:
                return Harmless(binary.LeftOperand, depth + 1) && Harmless(binary.RightOperand, depth + 1);
            case IPropertyReferenceOperation { Property: { Name: "Length", IsIndexer: false }, Instance: { } instance }:
                return HasLength(instance.Type) && Harmless(instance, depth + 1);
            case IInvocationOperation { TargetMethod.Name: "AsSpan" or "Slice" } invocation
                when (invocation.TargetMethod.ReducedFrom ?? invocation.TargetMethod).ContainingType is { Name: "MemoryExtensions" or "Span" or "ReadOnlySpan", ContainingNamespace.Name: "System" }:
                return (invocation.Instance is null || Harmless(invocation.Instance, depth + 1))
                    && invocation.Arguments.All(argument => argument.ArgumentKind != ArgumentKind.ParamArray && Harmless(argument.Value, depth + 1));
            default:
                return operation.ConstantValue.HasValue;
        }
    }

    private static ExpressionSyntax? ArgumentSyntax(IInvocationOperation call, int ordinal)
    {
        foreach (IArgumentOperation argument in call.Arguments)
        {
            if (argument.Parameter?.Ordinal == ordinal)
            {
                return argument.Syntax is ArgumentSyntax syntax && syntax.RefKindKeyword.IsKind(SyntaxKind.None) ? syntax.Expression : null;
            }
        }

        return null;
    }

    /// <summary>x.AsSpan(...) binds: System.MemoryExtensions is in scope.</summary>
    private static bool MemoryExtensionsVisible(SemanticModel model, int position) =>
        model.LookupNamespacesAndTypes(position, name: "MemoryExtensions") is { Length: 1 } found
        && found[0].ToDisplayString() == "System.MemoryExtensions";
}
