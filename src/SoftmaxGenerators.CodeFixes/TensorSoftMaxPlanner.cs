using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using SoftmaxGenerators.Analyzers.Patterns;

namespace SoftmaxGenerators.CodeFixes;

/// <summary>
/// SMX0004: <c>TensorPrimitives.SoftMax(x, d)</c> becomes <c>Subtract(x, Max(x), d); Exp(d, d); Divide(d, Sum(d), d)</c>.
/// SoftMax writes the first x.Length values of d and leaves the rest alone, so where d is not provably exactly as long
/// as x (a rented array, a span parameter, a slice) the three calls work on <c>d.Slice(0, x.Length)</c>: Sum then adds
/// exactly the values SoftMax would have normalized. A source that is not a plain variable is evaluated once, into a
/// local; a call that is the body of an if/else/loop becomes a block.
/// </summary>
internal static class TensorSoftMaxPlanner
{
    public static ShiftPlan? Plan(FixContext context, IInvocationOperation invocation)
    {
        if (invocation.Syntax is not InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax access } syntax
            || syntax.Parent is not ExpressionStatementSyntax statement
            || statement.Parent is GlobalStatementSyntax or LabeledStatementSyntax
            || invocation.Arguments.Length != 2
            || syntax.ArgumentList.Arguments.Any(a => a.NameColon is not null || a.RefKindKeyword.RawKind != 0)
            || invocation.TargetMethod.Parameters.Length != 2
            || OperationHelpers.Argument(invocation, 0) is not { } source
            || OperationHelpers.Argument(invocation, 1) is not { } destination
            || OperationHelpers.Unwrap(source).Syntax is not ExpressionSyntax sourceSyntax
            || OperationHelpers.Unwrap(destination).Syntax is not ExpressionSyntax destinationSyntax)
        {
            return null;
        }

        int position = statement.SpanStart;
        string prefix = access.Expression.WithoutTrivia() + ".";
        var plan = new ShiftPlan(context.Member, statement, string.Empty) { ReplaceInsertionStatement = true };

        // The source: a variable as it is, anything else once into a local.
        ISymbol? sourceSymbol = PlainVariable(source);
        string x;
        if (sourceSymbol is not null)
        {
            x = sourceSyntax.WithoutTrivia().ToString();
        }
        else
        {
            x = ShiftPlanner.UniqueName(context, statement, "input");
            string type = invocation.TargetMethod.Parameters[0].Type.ToMinimalDisplayString(context.Model, position);
            plan.Statements.Add($"{type} {x} = {sourceSyntax.WithoutTrivia()};");
        }

        // The destination: itself when it provably holds exactly x.Length values, else its first x.Length values.
        ISymbol? destinationSymbol = PlainVariable(destination);
        string d;
        bool sameLength = sourceSymbol is not null && destinationSymbol is not null
            && (SymbolEqualityComparer.Default.Equals(sourceSymbol, destinationSymbol)
                || TensorPlanner.SizedFrom(context, destinationSymbol, sourceSymbol)
                || TensorPlanner.SameConstantLength(context, source, destination)
                || (statement.Parent is BlockSyntax && TensorPlanner.LengthsCheckedEqual(context, sourceSymbol, destinationSymbol, statement)));
        if (sameLength)
        {
            d = destinationSyntax.WithoutTrivia().ToString();
        }
        else
        {
            // x.AsSpan(1) into x: a partial overlap, which SoftMax and Subtract each reject in their own way; left alone.
            if (SharedBuffer(source, destination))
            {
                return null;
            }

            string owner = destinationSyntax is IdentifierNameSyntax or MemberAccessExpressionSyntax or InvocationExpressionSyntax or ElementAccessExpressionSyntax
                ? destinationSyntax.WithoutTrivia().ToString()
                : "(" + destinationSyntax.WithoutTrivia() + ")";
            string length = x + ".Length";
            string? prefixOfDestination = OperationHelpers.Unwrap(destination).Type switch
            {
                INamedTypeSymbol { Name: "Span", TypeArguments.Length: 1 } => $"{owner}.Slice(0, {length})",
                IArrayTypeSymbol { Rank: 1 } when MemoryExtensionsVisible(context, position) => $"{owner}.AsSpan(0, {length})",
                _ => null,
            };
            if (prefixOfDestination is null)
            {
                return null;
            }

            d = ShiftPlanner.UniqueName(context, statement, "destination", x);
            string type = invocation.TargetMethod.Parameters[1].Type.ToMinimalDisplayString(context.Model, position);
            plan.Statements.Add($"{type} {d} = {prefixOfDestination};");
        }

        plan.Statements.Add($"{prefix}Subtract{{T}}({x}, {prefix}Max{{T}}({x}), {d});");
        plan.Statements.Add($"{prefix}Exp{{T}}({d}, {d});");
        plan.Statements.Add($"{prefix}Divide{{T}}({d}, {prefix}Sum{{T}}({d}), {d});");
        return TensorPlanner.Finish(plan, invocation);
    }

    /// <summary>A local, parameter or field read (no property: a getter may return a new buffer each time).</summary>
    private static ISymbol? PlainVariable(IOperation operation) => OperationHelpers.Unwrap(operation) switch
    {
        ILocalReferenceOperation local => local.Local,
        IParameterReferenceOperation parameter => parameter.Parameter,
        IFieldReferenceOperation { Instance: null or IInstanceReferenceOperation } field => field.Field,
        _ => null,
    };

    /// <summary>Both arguments are views of one array or span variable (x.AsSpan(1) and x).</summary>
    private static bool SharedBuffer(IOperation source, IOperation destination) =>
        BufferOf(source) is { } a && BufferOf(destination) is { } b && SymbolEqualityComparer.Default.Equals(a, b);

    /// <summary>The variable under AsSpan/Slice/AsMemory calls and conversions.</summary>
    private static ISymbol? BufferOf(IOperation operation)
    {
        for (int depth = 0; depth < 8; depth++)
        {
            operation = OperationHelpers.Unwrap(operation);
            if (operation is IInvocationOperation { TargetMethod.Name: "AsSpan" or "Slice" or "AsMemory" or "AsReadOnlySpan" } call)
            {
                if (call.Instance is { } instance)
                {
                    operation = instance;
                    continue;
                }

                if (call.Arguments.Length > 0)
                {
                    operation = call.Arguments[0].Value;
                    continue;
                }

                return null;
            }

            if (operation is IPropertyReferenceOperation { Property.Name: "Span" } span && span.Instance is not null)
            {
                operation = span.Instance;
                continue;
            }

            return PlainVariable(operation) is { } variable && IsBuffer(variable switch
            {
                ILocalSymbol local => local.Type,
                IParameterSymbol parameter => parameter.Type,
                IFieldSymbol field => field.Type,
                _ => null,
            }) ? variable : null;
        }

        return null;
    }

    private static bool IsBuffer(ITypeSymbol? type) =>
        type is IArrayTypeSymbol || type is INamedTypeSymbol { Name: "Span" or "ReadOnlySpan" or "Memory" or "ReadOnlyMemory" or "List" };

    /// <summary>x.AsSpan(...) binds: System.MemoryExtensions is in scope.</summary>
    private static bool MemoryExtensionsVisible(FixContext context, int position) =>
        context.Model.LookupNamespacesAndTypes(position, name: "MemoryExtensions") is { Length: 1 } found
        && found[0].ToDisplayString() == "System.MemoryExtensions";
}
