using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using SoftmaxGenerators.Analyzers.Patterns;

namespace SoftmaxGenerators.CodeFixes;

/// <summary>
/// Exponentials stored in a member of each element of a collection:
/// <c>foreach (var a in actions) { a.Score = Math.Exp(a.Score / t); total += a.Score; }</c>, then
/// <c>foreach (var a in actions) p = a.Score / total</c>. The maximum loop repeats the foreach header and reads the
/// scores before the exponential loop overwrites them.
/// </summary>
internal static partial class ShiftPlanner
{
    /// <summary>
    /// <c>a.Score = Math.Exp(...)</c> where a is the variable of one of the foreach loops around the exponential and
    /// Score a field or auto-property (a setter with a body could change the stored value).
    /// </summary>
    private static bool IsOwnMemberStore(FixContext context, Write write, ISymbol member, HashSet<ISymbol> loopVariables, List<ExpSite> related)
    {
        if (write.Kind != WriteKind.Assign || write.Node is not ISimpleAssignmentOperation assignment || !IsPlainMember(member)
            || ElementVariableOf(assignment.Target) is not { } variable || !loopVariables.Contains(variable))
        {
            return false;
        }

        return IsOwnStore(context, write, related);
    }

    /// <summary>
    /// Every read and write of the member in this method is through a foreach variable or a lambda parameter over the
    /// same collection variable, and that variable (a local or parameter, never reassigned) is used only as the
    /// collection of those loops and calls: the elements the maximum loop visits are the ones the other loops visit.
    /// The member is read only in the exponent, added to the sum or divided by it (a.Score / total, a.Score /= total):
    /// nothing in the method sees the unnormalized values, which the shift scales by exp(-max).
    /// </summary>
    private static bool MemberStaysOnCollection(FixContext context, ISymbol member, ForEachStatementSyntax loop, Accumulator accumulator, List<ExpSite> related)
    {
        if (SumSymbol(accumulator) is not { } sum)
        {
            return false;
        }

        if (context.Model.GetOperation(context.Member) is not { } body
            || loop.Expression is not IdentifierNameSyntax collectionName
            || context.Model.GetSymbolInfo(collectionName).Symbol is not { } collection
            || collection is not (ILocalSymbol or IParameterSymbol { RefKind: RefKind.None })
            || context.Analysis.WritesOf(collection).Any(w => w.Node is not IVariableDeclaratorOperation)
            || !IsMaterialized(collection is ILocalSymbol l ? l.Type : ((IParameterSymbol)collection).Type))
        {
            return false;
        }

        foreach (IOperation node in OperationHelpers.DescendantsAndSelf(body))
        {
            if (node is IFieldReferenceOperation or IPropertyReferenceOperation && node is IMemberReferenceOperation reference
                && SymbolEqualityComparer.Default.Equals(reference.Member, member))
            {
                if (reference.Instance is null || CollectionOfElementVariable(context, reference.Instance) is not { } over
                    || !SymbolEqualityComparer.Default.Equals(over, collection) || !IsSafeMemberUse(reference, sum, related))
                {
                    return false;
                }
            }

            if (OperationHelpers.ReferencedSymbol(node) is { } symbol && SymbolEqualityComparer.Default.Equals(symbol, collection)
                && node is ILocalReferenceOperation or IParameterReferenceOperation && !IsIteratedCollection(node))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Every exponential stored in a member of an element (<c>a.Weight = Math.Exp(a.Score / t)</c>, through a foreach
    /// variable or a lambda parameter) is stored through a foreach variable in a plain member that stays on the
    /// collection (<see cref="MemberStaysOnCollection"/>): a member is shared by all objects of the type, so a read
    /// through another collection or for another purpose would see the shifted values.
    /// </summary>
    private static bool MemberStoresAreSafe(FixContext context, Accumulator accumulator, List<ExpSite> related)
    {
        foreach (ExpSite site in related)
        {
            IOperation? parent = OperationHelpers.ParentSkippingConversions(site.Node, out IOperation child);
            if (parent is not ISimpleAssignmentOperation assignment || assignment.Value != child
                || OperationHelpers.Unwrap(assignment.Target) is not IMemberReferenceOperation { Instance: { } instance, Member: var member }
                || CollectionOfElementVariable(context, instance) is null && !IsLambdaParameter(instance))
            {
                continue;
            }

            if (!IsPlainMember(member) || ElementVariableOf(assignment.Target) is not { } variable
                || variable.DeclaringSyntaxReferences[0].GetSyntax() is not ForEachStatementSyntax loop
                || !MemberStaysOnCollection(context, member, loop, accumulator, related))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsLambdaParameter(IOperation instance) =>
        OperationHelpers.Unwrap(instance) is IParameterReferenceOperation { Parameter.ContainingSymbol: IMethodSymbol { MethodKind: MethodKind.AnonymousFunction } };

    /// <summary>In a related exponent, the target of an assignment, added to the sum, or divided by it.</summary>
    private static bool IsSafeMemberUse(IOperation reference, ISymbol sum, List<ExpSite> related)
    {
        if (related.Any(site => site.Exponent is { } exponent && exponent.Syntax.Span.Contains(reference.Syntax.Span)))
        {
            return true;
        }

        IOperation? parent = OperationHelpers.ParentSkippingConversions(reference, out IOperation child);
        return parent switch
        {
            ISimpleAssignmentOperation assignment => assignment.Target == child,
            ICompoundAssignmentOperation { OperatorKind: BinaryOperatorKind.Add } add => add.Value == child
                && OperationHelpers.ReferencedSymbol(add.Target) is { } target && SymbolEqualityComparer.Default.Equals(target, sum),
            ICompoundAssignmentOperation { OperatorKind: BinaryOperatorKind.Divide } divide => divide.Target == child
                && OperationHelpers.ReferencedSymbol(divide.Value) is { } divisor && SymbolEqualityComparer.Default.Equals(divisor, sum),
            IBinaryOperation { OperatorKind: BinaryOperatorKind.Divide } division => division.LeftOperand == child
                && OperationHelpers.ReferencedSymbol(division.RightOperand) is { } divisor && SymbolEqualityComparer.Default.Equals(divisor, sum),
            _ => false,
        };
    }

    /// <summary>
    /// An array or a list: every enumeration visits the same objects (a lazy IEnumerable&lt;T&gt; may create new ones,
    /// and the stores of one loop would not be what the next loop reads).
    /// </summary>
    private static bool IsMaterialized(ITypeSymbol type) =>
        type is IArrayTypeSymbol { Rank: 1 }
        || (type is INamedTypeSymbol { TypeArguments.Length: 1, Name: "List" or "IList" or "IReadOnlyList" or "ICollection" or "IReadOnlyCollection" } named
            && named.ContainingNamespace?.ToDisplayString() == "System.Collections.Generic");

    private static bool IsPlainMember(ISymbol member) => member switch
    {
        IFieldSymbol { IsStatic: false, IsConst: false } => true,
        IPropertySymbol { IsStatic: false, IsIndexer: false } property => property.DeclaringSyntaxReferences.Length == 1
            && property.DeclaringSyntaxReferences[0].GetSyntax() is PropertyDeclarationSyntax { AccessorList: { } accessors }
            && accessors.Accessors.All(a => a.Body is null && a.ExpressionBody is null),
        _ => false,
    };

    /// <summary>The foreach variable a member is read through.</summary>
    private static ILocalSymbol? ElementVariableOf(IOperation target) =>
        OperationHelpers.Unwrap(target) is IMemberReferenceOperation { Instance: { } instance }
        && OperationHelpers.Unwrap(instance) is ILocalReferenceOperation { Local: var local }
        && local.DeclaringSyntaxReferences.Length == 1 && local.DeclaringSyntaxReferences[0].GetSyntax() is ForEachStatementSyntax
            ? local
            : null;

    /// <summary>The collection variable a foreach variable or a collection.ForEach(...) lambda parameter runs over.</summary>
    private static ISymbol? CollectionOfElementVariable(FixContext context, IOperation instance)
    {
        switch (OperationHelpers.Unwrap(instance))
        {
            case ILocalReferenceOperation { Local: var local } when local.DeclaringSyntaxReferences.Length == 1
                && local.DeclaringSyntaxReferences[0].GetSyntax() is ForEachStatementSyntax { Expression: IdentifierNameSyntax name }:
                return context.Model.GetSymbolInfo(name).Symbol;
            case IParameterReferenceOperation { Parameter: { Ordinal: 0, ContainingSymbol: IMethodSymbol { MethodKind: MethodKind.AnonymousFunction } lambda } }
                when lambda.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax() is LambdaExpressionSyntax
                {
                    Parent: ArgumentSyntax { Parent: ArgumentListSyntax { Arguments.Count: 1, Parent: InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "ForEach", Expression: IdentifierNameSyntax source } } } }
                }:
                return context.Model.GetSymbolInfo(source).Symbol;
            default:
                return null;
        }
    }

    /// <summary>The collection of a foreach statement, the receiver of collection.ForEach(lambda), or collection.Length / Count.</summary>
    private static bool IsIteratedCollection(IOperation reference) =>
        reference.Syntax is IdentifierNameSyntax name
        && (name.Parent is ForEachStatementSyntax loop && loop.Expression == name
            || name.Parent is MemberAccessExpressionSyntax { Name.Identifier.ValueText: "ForEach", Parent: InvocationExpressionSyntax } access && access.Expression == name
            || reference.Parent is IPropertyReferenceOperation { Property.Name: "Length" or "Count" });
}
