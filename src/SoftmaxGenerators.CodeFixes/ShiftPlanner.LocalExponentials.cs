using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using SoftmaxGenerators.Analyzers.Patterns;

namespace SoftmaxGenerators.CodeFixes;

/// <summary>
/// Exponentials kept in a local before being stored and summed (<c>var e = Math.Exp(x[i]); y[i] = e; sum += e;</c>):
/// where the local goes is storage too, and every other read of the local must be one the shift keeps correct.
/// </summary>
internal static partial class ShiftPlanner
{
    /// <summary>Every write of the local stores one of the related exponentials itself.</summary>
    private static bool HoldsOnlyRelated(FixContext context, ILocalSymbol local, List<ExpSite> related)
    {
        IReadOnlyList<Write> writes = context.Analysis.WritesOf(local);
        foreach (Write write in writes)
        {
            if (write.Element || write.Kind != WriteKind.Assign || write.Value is not { } value
                || !related.Exists(r => r.Node == OperationHelpers.Unwrap(value)))
            {
                return false;
            }
        }

        return writes.Count > 0;
    }

    /// <summary>
    /// Adds to <paramref name="storage"/> what locals holding only related exponentials are copied into. False when such
    /// a local is read in a way the shift would change (anything but a copy, adding it to the sum, dividing it by the sum).
    /// </summary>
    private static bool ExtendStorageThroughLocals(FixContext context, Accumulator accumulator, List<ExpSite> related, HashSet<ISymbol> storage, CancellationToken cancellationToken)
    {
        var locals = new List<ILocalSymbol>();
        foreach (ISymbol symbol in storage)
        {
            // Scalar locals only (a collection local such as e = x.Select(Math.Exp).ToArray() is storage as it is).
            // A cast on the way is fine (var e = (float)Math.Exp(x[i])): the local holds the same exponential, shifted.
            if (symbol is not ILocalSymbol local
                || !related.TrueForAll(r => SymbolEqualityComparer.Default.Equals(r.ValueType, local.Type)
                    || local.Type.SpecialType is SpecialType.System_Single or SpecialType.System_Double))
            {
                continue;
            }

            if (HoldsOnlyRelated(context, local, related))
            {
                locals.Add(local);
            }
        }

        if (locals.Count == 0)
        {
            return true;
        }

        IOperation? body = context.Model.GetOperation(context.Member, cancellationToken);
        if (body is null)
        {
            return false;
        }

        ISymbol? sum = SumSymbol(accumulator);
        var copies = new List<ISymbol>();
        foreach (IOperation node in OperationHelpers.DescendantsAndSelf(body))
        {
            if (node is not ILocalReferenceOperation reference || !locals.Contains(reference.Local, SymbolEqualityComparer.Default))
            {
                continue;
            }

            IOperation? parent = OperationHelpers.ParentSkippingConversions(node, out IOperation child);
            switch (parent)
            {
                case IAssignmentOperation assignment when assignment.Target == child:
                    continue; // a write, checked above
                case ISimpleAssignmentOperation copy when copy.Value == child && OperationHelpers.RootSymbol(copy.Target) is { } target:
                    copies.Add(target);
                    continue;
                case IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator }:
                    copies.Add(declarator.Symbol);
                    continue;
                case ICompoundAssignmentOperation { OperatorKind: BinaryOperatorKind.Add } add when add.Value == child
                    && sum is not null && OperationHelpers.ReferencedSymbol(add.Target) is { } added && SymbolEqualityComparer.Default.Equals(added, sum):
                    continue;
                case IBinaryOperation { OperatorKind: BinaryOperatorKind.Add } plus when sum is not null
                    && OperationHelpers.ParentSkippingConversions(plus, out _) is ISimpleAssignmentOperation total
                    && OperationHelpers.ReferencedSymbol(total.Target) is { } totalTarget && SymbolEqualityComparer.Default.Equals(totalTarget, sum)
                    && OperationHelpers.References(plus, sum):
                    continue;
                case IBinaryOperation { OperatorKind: BinaryOperatorKind.Divide } division when division.LeftOperand == child
                    && sum is not null && OperationHelpers.References(division.RightOperand, sum):
                    continue;
                default:
                    if (sum is not null && IsScaleInvariantUse(node, sum, related, storage))
                    {
                        continue;
                    }

                    return false;
            }
        }

        // One place the exponentials are copied to (like an exponential stored directly): a second copy could be
        // returned unnormalized, and would then change.
        if (copies.Distinct(SymbolEqualityComparer.Default).Count() > 1)
        {
            return false;
        }

        foreach (ISymbol copy in copies)
        {
            if (sum is not null && SymbolEqualityComparer.Default.Equals(copy, sum))
            {
                return false;
            }

            storage.Add(copy);
        }

        return true;
    }

    /// <summary>
    /// Adds running partial sums of the storage (<c>current += exp[i]; probability.Add(current / sum);</c>, a cumulative
    /// distribution) to <paramref name="storage"/>: locals only ever reset to zero and increased by elements of the
    /// storage, read nowhere but in their own increments and as numerators over the sum. Such a local scales with the
    /// exponentials, so <c>current / sum</c> keeps its value.
    /// </summary>
    private static void ExtendStorageThroughPartialSums(FixContext context, Accumulator accumulator, HashSet<ISymbol> storage, CancellationToken cancellationToken)
    {
        ISymbol? sum = SumSymbol(accumulator);
        if (sum is null || context.Model.GetOperation(context.Member, cancellationToken) is not { } body)
        {
            return;
        }

        var candidates = new List<ILocalSymbol>();
        foreach (IOperation node in OperationHelpers.DescendantsAndSelf(body))
        {
            if (node is ICompoundAssignmentOperation { OperatorKind: BinaryOperatorKind.Add } add
                && OperationHelpers.Unwrap(add.Target) is ILocalReferenceOperation { Local: var local }
                && !SymbolEqualityComparer.Default.Equals(local, sum) && !storage.Contains(local) && !candidates.Contains(local, SymbolEqualityComparer.Default)
                && local.Type.SpecialType is SpecialType.System_Double or SpecialType.System_Single)
            {
                candidates.Add(local);
            }
        }

        foreach (ILocalSymbol local in candidates)
        {
            bool writesOk = context.Analysis.WritesOf(local).All(write => !write.Element && write.Value is { } value
                && (OperationHelpers.ConstantNumber(value) == 0
                    || (write.Kind == WriteKind.AddAssign && ElementOfStorage(value, storage))));
            if (!writesOk)
            {
                continue;
            }

            bool readsOk = true;
            foreach (IOperation node in OperationHelpers.DescendantsAndSelf(body))
            {
                if (node is not ILocalReferenceOperation reference || !SymbolEqualityComparer.Default.Equals(reference.Local, local))
                {
                    continue;
                }

                IOperation? parent = OperationHelpers.ParentSkippingConversions(node, out IOperation child);
                bool ok = parent switch
                {
                    IAssignmentOperation assignment when assignment.Target == child => true,
                    IVariableDeclaratorOperation => true,
                    IBinaryOperation { OperatorKind: BinaryOperatorKind.Divide } division => division.LeftOperand == child
                        && OperationHelpers.ReferencedSymbol(division.RightOperand) is { } divisor && SymbolEqualityComparer.Default.Equals(divisor, sum),
                    _ => false,
                };
                if (!ok)
                {
                    readsOk = false;
                    break;
                }
            }

            if (readsOk)
            {
                storage.Add(local);
            }
        }
    }

    private static bool ElementOfStorage(IOperation value, HashSet<ISymbol> storage)
    {
        IOperation unwrapped = OperationHelpers.Unwrap(value);
        return unwrapped is IArrayElementReferenceOperation or IPropertyReferenceOperation { Property.IsIndexer: true }
            && OperationHelpers.ElementCollection(unwrapped) is { } collection && storage.Contains(collection);
    }
}
