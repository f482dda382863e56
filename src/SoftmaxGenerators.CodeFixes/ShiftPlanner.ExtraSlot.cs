using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using SoftmaxGenerators.Analyzers.Patterns;

namespace SoftmaxGenerators.CodeFixes;

/// <summary>
/// The running sum kept in an extra slot of the array of exponentials (opennlp's QNModel):
/// <c>t[k] = Math.Exp(t[k]); t[n] += t[k];</c> for k &lt; n, then <c>t[k] / t[n]</c>. The shift is exact when the slot
/// starts at zero (the array is new and every earlier write runs below n), holds nothing but the sum, and is read only
/// as the divisor of the array's elements.
/// </summary>
internal static partial class ShiftPlanner
{
    public static ShiftPlan? PlanExtraSlot(FixContext context, ExpSite site, Accumulator accumulator, CancellationToken cancellationToken)
    {
        if (accumulator.Symbol is not ILocalSymbol { Type: IArrayTypeSymbol { Rank: 1 } } table || site.Kind != ExpSiteKind.Call
            || MaxFunctions.For(site.ValueType, context) is not { } functions
            || OperationHelpers.ParentSkippingConversions(site.Node, out _) is not ISimpleAssignmentOperation { Target: IArrayElementReferenceOperation store }
            || !IsElementOf(store, table) || store.Syntax.Ancestors().OfType<ForStatementSyntax>().FirstOrDefault() is not { } expLoop
            || context.Model.GetOperation(context.Member, cancellationToken) is not { } body)
        {
            return null;
        }

        // The one addition into the slot, inside the exponentials' loop: t[S] += t[k].
        ICompoundAssignmentOperation? slotSum = null;
        foreach (ICompoundAssignmentOperation add in OperationHelpers.DescendantsAndSelf(body).OfType<ICompoundAssignmentOperation>())
        {
            if (add.Target is IArrayElementReferenceOperation target && IsElementOf(target, table) && add.OperatorKind == BinaryOperatorKind.Add
                && OperationHelpers.Unwrap(add.Value) is IArrayElementReferenceOperation added && IsElementOf(added, table)
                && expLoop.Span.Contains(add.Syntax.Span) && slotSum is null)
            {
                slotSum = add;
            }
        }

        // The array is created here, zeroed, and never replaced.
        List<Write> whole = context.Analysis.WritesOf(table).Where(w => !w.Element).ToList();
        if (slotSum is null || ((IArrayElementReferenceOperation)slotSum.Target).Indices[0].Syntax is not ExpressionSyntax slotIndex
            || !BoundedBy(context, expLoop, slotIndex)
            || whole.Count != 1 || whole[0].Value is not { } created || OperationHelpers.Unwrap(created) is not IArrayCreationOperation { Initializer: null })
        {
            return null;
        }

        foreach (IOperation node in OperationHelpers.DescendantsAndSelf(body))
        {
            if (node is not ILocalReferenceOperation { Local: var local } reference || !SymbolEqualityComparer.Default.Equals(local, table))
            {
                continue;
            }

            if (reference.Parent is not IArrayElementReferenceOperation element || element.Indices.Length != 1)
            {
                return null; // t passed, copied or its Length read: not followed
            }

            bool isSlot = IsSlot(element, slotIndex);
            IOperation? parent = OperationHelpers.ParentSkippingConversions(element, out IOperation child);
            bool inExpLoop = expLoop.Span.Contains(element.Syntax.Span);
            bool ok =
                // the store and the exponent of the exponential, the slot's addition
                (inExpLoop && !isSlot && (element == store || site.Exponent is { } exponent && OperationHelpers.DescendantsAndSelf(exponent).Contains(element)))
                || (inExpLoop && (element == slotSum.Target || child == OperationHelpers.Unwrap(slotSum.Value) && parent == slotSum))
                // after the loop: t[j] / t[S]
                || (element.Syntax.SpanStart > expLoop.Span.End && parent is IBinaryOperation { OperatorKind: BinaryOperatorKind.Divide } division
                    && (isSlot ? division.RightOperand == child && !IsSlotRead(division.LeftOperand, table, slotIndex)
                               : division.LeftOperand == child && IsSlotRead(division.RightOperand, table, slotIndex)))
                // before the loop: scores written below the slot (for (i = 0; i < S; i++) t[i] += ...)
                || (element.Syntax.Span.End < expLoop.SpanStart && !isSlot && parent is IAssignmentOperation write && write.Target == child
                    && element.Indices[0] is ILocalReferenceOperation { Local: var index }
                    && element.Syntax.Ancestors().OfType<ForStatementSyntax>().FirstOrDefault(f => f.Declaration?.Variables.Count == 1
                        && f.Declaration.Variables[0].Identifier.ValueText == index.Name) is { } scoreLoop
                    && BoundedBy(context, scoreLoop, slotIndex));
            if (!ok)
            {
                return null;
            }
        }

        return PlanLoop(context, site, accumulator, new List<ExpSite> { site }, functions, cancellationToken, slotSum: slotSum);
    }

    private static bool IsElementOf(IArrayElementReferenceOperation element, ISymbol array) =>
        element.Indices.Length == 1 && OperationHelpers.ReferencedSymbol(element.ArrayReference) is { } symbol && SymbolEqualityComparer.Default.Equals(symbol, array);

    private static bool IsSlotRead(IOperation operation, ISymbol array, ExpressionSyntax slot) =>
        OperationHelpers.Unwrap(operation) is IArrayElementReferenceOperation element && IsElementOf(element, array) && IsSlot(element, slot);

    private static bool IsSlot(IArrayElementReferenceOperation element, ExpressionSyntax slot) =>
        SyntaxFactory.AreEquivalent(element.Indices[0].Syntax, slot);

    /// <summary><c>for (int i = 0; i &lt; S; i++)</c> with i written nowhere in the body: i stays below the slot.</summary>
    private static bool BoundedBy(FixContext context, ForStatementSyntax loop, ExpressionSyntax slot) =>
        loop.Declaration is { Variables.Count: 1 } declaration && declaration.Variables[0] is { Initializer.Value: LiteralExpressionSyntax { Token.ValueText: "0" } } variable
        && loop.Condition is BinaryExpressionSyntax { RawKind: (int)SyntaxKind.LessThanExpression, Left: IdentifierNameSyntax index, Right: { } bound }
        && index.Identifier.ValueText == variable.Identifier.ValueText
        && SyntaxFactory.AreEquivalent(bound.WithoutTrivia(), slot.WithoutTrivia())
        && loop.Incrementors.Count == 1
        && loop.Incrementors[0] is PostfixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.PostIncrementExpression } or PrefixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.PreIncrementExpression }
        && context.Model.GetDeclaredSymbol(variable) is { } symbol
        && context.Analysis.WritesOf(symbol).All(w => !loop.Statement.Span.Contains(w.Node.Syntax.Span))
        && !IsReassigned(context, slot, loop);

    /// <summary>What the slot index reads is not written inside the loop.</summary>
    private static bool IsReassigned(FixContext context, ExpressionSyntax slot, ForStatementSyntax loop)
    {
        if (context.Model.GetOperation(slot) is not { } operation)
        {
            return true;
        }

        var read = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
        OperationHelpers.CollectReferencedSymbols(operation, read);
        return read.Any(symbol => context.Analysis.WritesOf(symbol).Any(w => loop.Span.Contains(w.Node.Syntax.Span)));
    }
}
