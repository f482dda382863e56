using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using SoftmaxGenerators.Analyzers.Patterns;

namespace SoftmaxGenerators.CodeFixes;

/// <summary>
/// Roulette-wheel sampling (Boltzmann selection): <c>sum += e = exp(s / T)</c>, <c>roll = Random.Range(0, sum)</c>, then
/// a second pass adds the same exponentials until the running total passes the roll. The sum never divides anything,
/// but the shift is still exact when every value that holds exponentials is scaled by the same factor exp(-max) and
/// is only compared with values scaled alike: the comparisons, and so the choice, stay the same.
/// </summary>
internal static partial class ShiftPlanner
{
    public static ShiftPlan? PlanSampling(FixContext context, ExpSite site, Accumulator accumulator, CancellationToken cancellationToken)
    {
        if (!site.IsNaive || site.Kind != ExpSiteKind.Call || SumSymbol(accumulator) is not ILocalSymbol sum
            || MaxFunctions.For(site.ValueType, context) is not { } functions
            || context.Model.GetOperation(context.Member, cancellationToken) is not { } body)
        {
            return null;
        }

        List<ExpSite> related = RelatedSites(context, site, null);
        if (!related.Contains(site))
        {
            return null;
        }

        // The locals scaled by the shift: the sum, and every local written from an exponential or from one of them.
        var scaled = new HashSet<ISymbol>(SymbolEqualityComparer.Default) { sum };
        for (bool grew = true; grew;)
        {
            grew = false;
            foreach (IOperation node in OperationHelpers.DescendantsAndSelf(body))
            {
                if (WrittenLocal(node) is { } written && !scaled.Contains(written) && WrittenValue(node) is { } value
                    && Reads(value, sum, related, scaled))
                {
                    if (written is not ILocalSymbol { Type: var type } || !IsScalar(type) || scaled.Count > 16)
                    {
                        return null;
                    }

                    scaled.Add(written);
                    grew = true;
                }
            }
        }

        // Every exponential lands in one of them, every write to them is of degree one (or a constant they start from),
        // and every read of them meets values of the same degree.
        foreach (ExpSite other in related)
        {
            if (!LandsIn(other.Node, scaled))
            {
                return null;
            }
        }

        foreach (IOperation node in OperationHelpers.DescendantsAndSelf(body))
        {
            if (WrittenLocal(node) is { } written && scaled.Contains(written))
            {
                IOperation? value = WrittenValue(node);
                if (value is null ? node is not IVariableDeclaratorOperation : !IsStartValue(value) && Degree(value, sum, related, scaled, 0) != 1)
                {
                    return null;
                }
            }

            if (node is ILocalReferenceOperation reference && scaled.Contains(reference.Local) && !IsScaledRead(node, sum, related, scaled))
            {
                return null;
            }
        }

        return PlanLoop(context, site, accumulator, related, functions, cancellationToken);
    }

    /// <summary>The local a declarator, assignment or compound addition writes.</summary>
    private static ISymbol? WrittenLocal(IOperation node) => node switch
    {
        IVariableDeclaratorOperation declarator => declarator.Symbol,
        ISimpleAssignmentOperation { Target: ILocalReferenceOperation target } => target.Local,
        ICompoundAssignmentOperation { OperatorKind: BinaryOperatorKind.Add, Target: ILocalReferenceOperation target } => target.Local,
        _ => null,
    };

    private static IOperation? WrittenValue(IOperation node) => node switch
    {
        IVariableDeclaratorOperation declarator => declarator.Initializer?.Value ?? (declarator.Parent as IVariableDeclarationOperation)?.Initializer?.Value,
        ISimpleAssignmentOperation assignment => assignment.Value,
        ICompoundAssignmentOperation compound => compound.Value,
        _ => null,
    };

    /// <summary>0 and the infinities are the same after scaling: a sum or a best score may start there.</summary>
    private static bool IsStartValue(IOperation value) =>
        OperationHelpers.ConstantNumber(value) is double constant && (constant == 0 || double.IsInfinity(constant));

    /// <summary>The exponential is (converted and) the whole value written to one of the scaled locals.</summary>
    private static bool LandsIn(IOperation exp, HashSet<ISymbol> scaled)
    {
        IOperation? parent = OperationHelpers.ParentSkippingConversions(exp, out _);
        if (parent is IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator })
        {
            return scaled.Contains(declarator.Symbol);
        }

        return parent is ISimpleAssignmentOperation or ICompoundAssignmentOperation && WrittenLocal(parent) is { } local && scaled.Contains(local);
    }

    /// <summary>A read of a scaled local that the scaling keeps: the value of a write checked for its degree, a
    /// comparison with a value of the same degree or with 0, or a ratio of degree zero.</summary>
    private static bool IsScaledRead(IOperation read, ISymbol sum, List<ExpSite> related, HashSet<ISymbol> scaled)
    {
        IOperation top = read;
        while (top.Parent is IConversionOperation
            or IBinaryOperation { OperatorKind: BinaryOperatorKind.Add or BinaryOperatorKind.Subtract or BinaryOperatorKind.Multiply or BinaryOperatorKind.Divide }
            or IUnaryOperation { OperatorKind: UnaryOperatorKind.Minus or UnaryOperatorKind.Plus }
            or IArgumentOperation { Parent: IInvocationOperation })
        {
            top = top.Parent is IArgumentOperation { Parent: IInvocationOperation call } ? call : top.Parent;
        }

        switch (top.Parent)
        {
            case IBinaryOperation { OperatorKind: BinaryOperatorKind.LessThan or BinaryOperatorKind.LessThanOrEqual or BinaryOperatorKind.GreaterThan
                or BinaryOperatorKind.GreaterThanOrEqual or BinaryOperatorKind.Equals or BinaryOperatorKind.NotEquals } comparison:
                int? left = Degree(comparison.LeftOperand, sum, related, scaled, 0);
                int? right = Degree(comparison.RightOperand, sum, related, scaled, 0);
                return left is not null && right is not null
                    && (left == right || IsStartValue(comparison.LeftOperand) || IsStartValue(comparison.RightOperand));
            case IVariableInitializerOperation or ISimpleAssignmentOperation or ICompoundAssignmentOperation
                when WrittenLocal(top.Parent is IVariableInitializerOperation { Parent: { } declarator } ? declarator : top.Parent) is { } written:
                // Into a scaled local (its degree is checked with the writes), or a ratio of degree zero anywhere.
                return scaled.Contains(written) || Degree(top, sum, related, scaled, 0) == 0;
            default:
                return top != read && Degree(top, sum, related, scaled, 0) == 0;
        }
    }
}
