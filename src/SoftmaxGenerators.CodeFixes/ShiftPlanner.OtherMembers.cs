using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using SoftmaxGenerators.Analyzers.Patterns;

namespace SoftmaxGenerators.CodeFixes;

/// <summary>
/// Fields the fix scales, read by other members of the type: the exponentials' array and the sum (or its reciprocal)
/// kept for a backward pass, as in LGFW's NNSoftMaxLayer, whose backPropagate computes
/// <c>(s - e[i] * s * s) * e[i]</c> from <c>s = 1 / sum</c>. The shift multiplies e by exp(-max) and s by exp(max),
/// so a read elsewhere is safe only inside an arithmetic expression of degree zero; a field another member writes,
/// returns or passes on as it is would see the scaled values, and the fix is not offered.
/// </summary>
internal static partial class ShiftPlanner
{
    private static bool OtherMembersSeeOnlyInvariants(FixContext context, ISymbol? sum, bool reciprocal, List<ExpSite> related, HashSet<ISymbol> storage, CancellationToken cancellationToken)
    {
        // Members of the type being fixed; a member of each element of a collection (a.Score) is checked by
        // MemberStaysOnCollection.
        INamedTypeSymbol? own = context.Model.GetDeclaredSymbol(context.Member, cancellationToken)?.ContainingType;
        var fields = new List<ISymbol>();
        foreach (ISymbol symbol in storage)
        {
            if (symbol is IFieldSymbol or IPropertySymbol && SymbolEqualityComparer.Default.Equals(symbol.ContainingType, own)
                && !NormalizedInPlace(context, symbol, sum))
            {
                fields.Add(symbol);
            }
        }

        if (sum is IFieldSymbol or IPropertySymbol && !fields.Contains(sum, SymbolEqualityComparer.Default))
        {
            fields.Add(sum);
        }

        foreach (ISymbol field in fields)
        {
            // Only a private field of a type declared once, in this document, can be read nowhere but here.
            if (field is not IFieldSymbol { DeclaredAccessibility: Accessibility.Private, ContainingType.DeclaringSyntaxReferences.Length: 1 } privateField
                || privateField.ContainingType.DeclaringSyntaxReferences[0].GetSyntax(cancellationToken) is not { } type
                || type.SyntaxTree != context.Model.SyntaxTree)
            {
                return false;
            }

            foreach (IdentifierNameSyntax name in type.DescendantNodes().OfType<IdentifierNameSyntax>())
            {
                if (name.Identifier.ValueText != field.Name || context.Member.Span.Contains(name.Span)
                    || !SymbolEqualityComparer.Default.Equals(context.Model.GetSymbolInfo(name, cancellationToken).Symbol, field))
                {
                    continue;
                }

                if (!IsInvariantReadElsewhere(context, name, field, sum, reciprocal, related, storage))
                {
                    return false;
                }
            }
        }

        return true;
    }

    private static bool IsInvariantReadElsewhere(FixContext context, IdentifierNameSyntax name, ISymbol field, ISymbol? sum, bool reciprocal, List<ExpSite> related, HashSet<ISymbol> storage)
    {
        SyntaxNode node = name.Parent is MemberAccessExpressionSyntax access && access.Name == name ? access : name;
        if (EnclosingBody(context, node) is null || context.Model.GetOperation(node) is not { } reference)
        {
            return false; // a field initializer, an attribute: no arithmetic to check
        }

        // m_e = new double[n] (a layer's setup): a fresh array holds no scaled value.
        if (reference.Parent is ISimpleAssignmentOperation { Value: var assigned } allocation && allocation.Target == reference
            && (OperationHelpers.Unwrap(assigned) is IArrayCreationOperation or IObjectCreationOperation { Initializer: null } or IDefaultValueOperation
                || OperationHelpers.Unwrap(assigned).ConstantValue is { HasValue: true, Value: null }))
        {
            return true;
        }

        // e[i] in e[i] * s: the element is the value; e itself must be indexed.
        IOperation read = reference.Parent is IArrayElementReferenceOperation element && element.ArrayReference == reference ? element : reference;
        if (IsWritten(read) || (read == reference && storage.Contains(field) && !SymbolEqualityComparer.Default.Equals(field, sum)))
        {
            return false;
        }

        // The sum field holds the sum, or its reciprocal after sum = 1 / sum: degree 1 or -1 elsewhere. Without a sum
        // variable (a Sum() call) the field stands in for it; its elements count 1 as storage either way.
        ISymbol anchor = sum ?? field;
        int sumDegree = reciprocal ? -1 : 1;
        return IsScaleInvariantUse(read, anchor, related, storage, context, sumDegree)
            || (SymbolEqualityComparer.Default.Equals(field, sum) && IsDerivedLocalUse(context, read, anchor, related, storage, sumDegree));
    }

    /// <summary>
    /// <c>output[i] /= sum</c> (or <c>output[i] = output[i] / sum</c>) in the fixed member: the field ends up holding
    /// the probabilities, which the shift does not change, so other members may read it as they like.
    /// </summary>
    private static bool NormalizedInPlace(FixContext context, ISymbol storage, ISymbol? sum)
    {
        if (sum is null)
        {
            return false;
        }

        foreach (Write write in context.Analysis.WritesOf(storage))
        {
            if (!write.Element)
            {
                continue;
            }

            IOperation? divisor = write.Node switch
            {
                ICompoundAssignmentOperation { OperatorKind: BinaryOperatorKind.Divide } compound => compound.Value,
                ISimpleAssignmentOperation { Value: var value } when OperationHelpers.Unwrap(value) is IBinaryOperation { OperatorKind: BinaryOperatorKind.Divide } quotient
                    && OperationHelpers.RootSymbol(quotient.LeftOperand) is { } dividend && SymbolEqualityComparer.Default.Equals(dividend, storage) => quotient.RightOperand,
                _ => null,
            };
            if (divisor is not null && OperationHelpers.ReferencedSymbol(divisor) is { } divides && SymbolEqualityComparer.Default.Equals(divides, sum))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The reference is assigned, incremented, or passed by reference.</summary>
    private static bool IsWritten(IOperation reference) => reference.Parent switch
    {
        IAssignmentOperation assignment => assignment.Target == reference,
        IIncrementOrDecrementOperation => true,
        IArgumentOperation { Parameter.RefKind: not RefKind.None } => true,
        IVariableInitializerOperation { Parent: IVariableDeclaratorOperation { Symbol.RefKind: not RefKind.None } } => true,
        ITupleOperation => true,
        _ => false,
    };
}
