using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using SoftmaxGenerators.Analyzers.Patterns;

namespace SoftmaxGenerators.CodeFixes;

/// <summary>Rewrites TensorPrimitives.Exp(x, d) and TensorPrimitives.SoftMax(x, d) into the stable sequence
/// Max, Subtract, Exp (and Sum, Divide).</summary>
internal static class TensorPlanner
{
    public static ShiftPlan? PlanExp(FixContext context, ExpSite site)
    {
        if (site.Node is not IInvocationOperation invocation || !TryGetParts(context, invocation, out StatementSyntax? statement, out string prefix, out string x, out string d))
        {
            return null;
        }

        // Only the sum of this destination may normalize: then dividing shifted values by their shifted sum is exact.
        var plan = new ShiftPlan(context.Member, statement, string.Empty) { ReplaceInsertionStatement = true };
        plan.Statements.Add($"{prefix}Subtract{{T}}({x}, {prefix}Max{{T}}({x}), {d});");
        plan.Statements.Add($"{prefix}Exp{{T}}({d}, {d});");
        return Finish(plan, invocation);
    }

    /// <summary>
    /// SoftMax(x, d) becomes Subtract(x, Max(x), d); Exp(d, d); Divide(d, Sum(d), d) when d provably holds exactly
    /// x.Length values (see <see cref="TensorSoftMaxPlanner"/>); otherwise the three calls work on the first x.Length values of d
    /// (<c>Span&lt;T&gt; destination = d.Slice(0, x.Length)</c>), which is what SoftMax writes: the values past x.Length
    /// are neither read nor written, as before. A source that is not a plain variable (<c>logits.Slice(0, n)</c>) is
    /// evaluated once, into a local. A call that is the body of an if/else/loop becomes a block.
    /// </summary>
    public static ShiftPlan? PlanSoftMax(FixContext context, IInvocationOperation invocation) => TensorSoftMaxPlanner.Plan(context, invocation);

    internal static ShiftPlan Finish(ShiftPlan plan, IInvocationOperation invocation)
    {
        // Keep explicit type arguments where the original call had them (TensorPrimitives.Exp<double>(...)).
        // Without them, only float has non-generic overloads: before C# 14, T cannot be inferred from a Span or array
        // argument, so write <double> (or <T>) explicitly.
        string typeArguments = invocation.Syntax is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name: GenericNameSyntax generic } }
            ? generic.TypeArgumentList.ToString()
            : invocation.TargetMethod is { IsGenericMethod: true, TypeArguments.Length: 1 } method && method.TypeArguments[0].SpecialType != SpecialType.System_Single
                ? "<" + method.TypeArguments[0].ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat) + ">"
                : string.Empty;
        for (int i = 0; i < plan.Statements.Count; i++)
        {
            plan.Statements[i] = plan.Statements[i].Replace("{T}", typeArguments);
        }

        return plan;
    }

    /// <summary>
    /// The call is a statement of its own in a block; x and d are plain variables; d has exactly x's length (d is x,
    /// d was created as new T[x.Length] / stackalloc T[x.Length], or both have the same provable constant length),
    /// or an earlier <c>if (x.Length != d.Length) throw/return</c> guards the call), so Exp(d, d) and Sum(d) see only the results.
    /// </summary>
    private static bool TryGetParts(FixContext context, IInvocationOperation invocation, out StatementSyntax? statement, out string prefix, out string x, out string d)
    {
        statement = null;
        prefix = x = d = string.Empty;
        if (invocation.Syntax is not InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax access } syntax
            || syntax.Parent is not ExpressionStatementSyntax { Parent: BlockSyntax } expressionStatement
            || invocation.Arguments.Length != 2
            || OperationHelpers.Argument(invocation, 0) is not { } source
            || OperationHelpers.Argument(invocation, 1) is not { } destination
            || OperationHelpers.ReferencedSymbol(source) is not { } sourceSymbol
            || OperationHelpers.ReferencedSymbol(destination) is not { } destinationSymbol
            || OperationHelpers.Unwrap(source).Syntax is not ExpressionSyntax sourceSyntax
            || OperationHelpers.Unwrap(destination).Syntax is not ExpressionSyntax destinationSyntax)
        {
            return false;
        }

        if (!SymbolEqualityComparer.Default.Equals(sourceSymbol, destinationSymbol) && !SizedFrom(context, destinationSymbol, sourceSymbol)
            && !SameConstantLength(context, source, destination)
            && !LengthsCheckedEqual(context, sourceSymbol, destinationSymbol, expressionStatement))
        {
            return false;
        }

        statement = expressionStatement;
        prefix = access.Expression.WithoutTrivia() + ".";
        x = sourceSyntax.WithoutTrivia().ToString();
        d = destinationSyntax.WithoutTrivia().ToString();
        return true;
    }

    /// <summary>Both buffers provably have the same compile-time length (new T[10] and new T[10], stackalloc, checks).</summary>
    internal static bool SameConstantLength(FixContext context, IOperation source, IOperation destination)
    {
        var lengths = new ConstantLengths(ConstantLengths.RootOf(source), new ConstantLengths.Symbols(context.Model.Compilation));
        return lengths.LengthOf(source) is int n && lengths.LengthOf(destination) == n;
    }

    internal static bool SizedFrom(FixContext context, ISymbol destination, ISymbol source)
    {
        if (destination is not ILocalSymbol)
        {
            return false;
        }

        var writes = context.Analysis.WritesOf(destination).Where(w => !w.Element && w.Kind == WriteKind.Assign).ToList();
        if (writes.Count != 1 || writes[0].Value is not { } value)
        {
            return false;
        }

        IOperation? length = OperationHelpers.Unwrap(value) switch
        {
            IArrayCreationOperation { DimensionSizes.Length: 1 } array => array.DimensionSizes[0],
            _ => null,
        };
        if (length is null && value.Syntax is StackAllocArrayCreationExpressionSyntax { Type: ArrayTypeSyntax { RankSpecifiers.Count: 1 } stackType }
            && stackType.RankSpecifiers[0].Sizes.Count == 1)
        {
            return IsLengthOf(stackType.RankSpecifiers[0].Sizes[0], source);
        }

        return length is not null && OperationHelpers.Unwrap(length) is IPropertyReferenceOperation { Property.Name: "Length" } property
            && property.Instance is not null && OperationHelpers.ReferencedSymbol(property.Instance) is { } owner
            && SymbolEqualityComparer.Default.Equals(owner, source);
    }

    private static bool IsLengthOf(ExpressionSyntax size, ISymbol source) =>
        size is MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Length", Expression: IdentifierNameSyntax owner }
        && owner.Identifier.ValueText == source.Name;

    /// <summary>
    /// An earlier <c>if (x.Length != d.Length) throw ...;</c> (or return, either order) in a block around the call,
    /// outside loops, lambdas and local functions, with neither buffer reassigned anywhere and no goto in the member.
    /// </summary>
    internal static bool LengthsCheckedEqual(FixContext context, ISymbol source, ISymbol destination, StatementSyntax call)
    {
        if (source is not (IParameterSymbol { RefKind: RefKind.None or RefKind.In } or ILocalSymbol)
            || destination is not (IParameterSymbol { RefKind: RefKind.None or RefKind.In } or ILocalSymbol)
            || context.Member.DescendantNodes().Any(n => n is GotoStatementSyntax or LabeledStatementSyntax))
        {
            return false;
        }

        foreach (ISymbol buffer in new[] { source, destination })
        {
            // Reassigned (or passed by ref) anywhere: its length may differ at the call. Writes of its contents are fine.
            if (context.Analysis.WritesOf(buffer).Any(w => !w.Element && w.Node is not IVariableDeclaratorOperation
                && w.Kind is WriteKind.Assign or WriteKind.Unknown or WriteKind.ForEach or WriteKind.AddAssign or WriteKind.SubtractAssign or WriteKind.OtherCompound))
            {
                return false;
            }
        }

        SyntaxNode child = call;
        foreach (SyntaxNode ancestor in call.Ancestors())
        {
            if (ancestor == context.Member || ancestor is AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax
                or ForStatementSyntax or ForEachStatementSyntax or WhileStatementSyntax or DoStatementSyntax)
            {
                return false;
            }

            if (ancestor is BlockSyntax block)
            {
                foreach (StatementSyntax statement in block.Statements)
                {
                    if (statement == child)
                    {
                        break;
                    }

                    if (IsLengthGuard(context, statement, source, destination))
                    {
                        return true;
                    }
                }
            }

            child = ancestor;
        }

        return false;
    }

    private static bool IsLengthGuard(FixContext context, StatementSyntax statement, ISymbol source, ISymbol destination)
    {
        if (statement is not IfStatementSyntax { Else: null } guard
            || guard.Condition is not BinaryExpressionSyntax { RawKind: (int)SyntaxKind.NotEqualsExpression } condition
            || !(guard.Statement is ThrowStatementSyntax or ReturnStatementSyntax
                || (guard.Statement is BlockSyntax { Statements.Count: 1 } body && body.Statements[0] is ThrowStatementSyntax or ReturnStatementSyntax)))
        {
            return false;
        }

        ISymbol? left = LengthOwner(context, condition.Left);
        ISymbol? right = LengthOwner(context, condition.Right);
        return left is not null && right is not null
            && ((SymbolEqualityComparer.Default.Equals(left, source) && SymbolEqualityComparer.Default.Equals(right, destination))
                || (SymbolEqualityComparer.Default.Equals(left, destination) && SymbolEqualityComparer.Default.Equals(right, source)));
    }

    private static ISymbol? LengthOwner(FixContext context, ExpressionSyntax expression) =>
        expression is MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Length", Expression: IdentifierNameSyntax owner }
            ? context.Model.GetSymbolInfo(owner).Symbol
            : null;
}
