using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace SoftmaxGenerators.Analyzers.Patterns;

/// <summary>
/// A naive logistic: <c>exp(z) / (1 + exp(z))</c> (or <c>exp(z) / (exp(z) + 1)</c>), directly or through a variable
/// <c>k = exp(z); ... k / (1 + k)</c>. For large z both overflow and the quotient is inf/inf = NaN.
/// </summary>
internal sealed class LogisticMatch
{
    public LogisticMatch(IBinaryOperation division, IOperation one, IOperation denominatorExp, IInvocationOperation exp, IOperation exponent, ISymbol? holder, IOperation? definitionStatement, IOperation? definitionValue, IOperation? numeratorFactor, IOperation? denominatorFactor = null, bool scaled = false)
    {
        DenominatorFactor = denominatorFactor;
        Scaled = scaled;
        Division = division;
        One = one;
        DenominatorExp = denominatorExp;
        Exp = exp;
        Exponent = exponent;
        Holder = holder;
        DefinitionStatement = definitionStatement;
        DefinitionValue = definitionValue;
        NumeratorFactor = numeratorFactor;
    }

    /// <summary>The division that is reported.</summary>
    public IBinaryOperation Division { get; }

    /// <summary>The 1 (or T.One) of the denominator.</summary>
    public IOperation One { get; }

    /// <summary>The other operand of the denominator: the exponential itself, or the variable that holds it.</summary>
    public IOperation DenominatorExp { get; }

    /// <summary>The exponential whose exponent the fix negates: the one in the denominator, or the one assigned to the holder.</summary>
    public IInvocationOperation Exp { get; }

    /// <summary>The exponent z of <see cref="Exp"/>.</summary>
    public IOperation Exponent { get; }

    /// <summary>The local or field that holds exp(z) in the two-statement form; null when the division reads the exponentials.</summary>
    public ISymbol? Holder { get; }

    /// <summary>The statement that assigns exp(z) to the holder (a declaration or an assignment).</summary>
    public IOperation? DefinitionStatement { get; }

    /// <summary>The value assigned to the holder (exp(z), perhaps converted).</summary>
    public IOperation? DefinitionValue { get; }

    /// <summary>c in c * exp(z) / (1 + exp(z)); null when the numerator is the exponential alone.</summary>
    public IOperation? NumeratorFactor { get; }

    /// <summary>k in exp(z) / (b + k * exp(z)); null when the exponential stands alone in the denominator.</summary>
    public IOperation? DenominatorFactor { get; }

    /// <summary>The general form exp(z) / (b + k * exp(z)): <see cref="One"/> is b (not 1, or k is there); the
    /// quotient is 1 / (k + b * exp(-z)).</summary>
    public bool Scaled { get; }
}

/// <summary>Shared by the SMX0006 analyzer and fix.</summary>
internal static class LogisticMatcher
{
    /// <summary>A guard that bounds the exponent above by at most this keeps exp(z) / (1 + exp(z)) finite, even in float.</summary>
    private const double GuardBound = 80;

    private const int MaxStatements = 64;

    public static LogisticMatch? Match(NumericsSymbols symbols, IBinaryOperation division)
    {
        if (division.OperatorKind != BinaryOperatorKind.Divide || division.LeftOperand is null || division.RightOperand is null
            || OperationHelpers.Unwrap(division.RightOperand) is not IBinaryOperation { OperatorKind: BinaryOperatorKind.Add } denominator
            || denominator.LeftOperand is null || denominator.RightOperand is null)
        {
            return null;
        }

        IOperation one;
        IOperation other;
        bool scaled = false;
        if (IsOne(denominator.LeftOperand))
        {
            one = denominator.LeftOperand;
            other = denominator.RightOperand;
        }
        else if (IsOne(denominator.RightOperand))
        {
            one = denominator.RightOperand;
            other = denominator.LeftOperand;
        }
        else
        {
            // exp(z) / (b + exp(z)), c * exp(z) / (ln2 * exp(z) + ln2): inf / inf all the same, when exactly one side
            // of the denominator holds the exponential.
            bool leftHasExp = HasExp(symbols, denominator.LeftOperand);
            if (leftHasExp == HasExp(symbols, denominator.RightOperand))
            {
                return null;
            }

            (one, other) = leftHasExp ? (denominator.RightOperand, denominator.LeftOperand) : (denominator.LeftOperand, denominator.RightOperand);
            scaled = true;
        }

        IOperation? denominatorFactor = null;
        if (OperationHelpers.Unwrap(other) is IBinaryOperation { OperatorKind: BinaryOperatorKind.Multiply })
        {
            if (ScaledExp(symbols, other, out denominatorFactor) is not { } denominatorExpPart || HasExp(symbols, denominatorFactor!))
            {
                return null;
            }

            other = denominatorExpPart;
            scaled = true;
        }

        IOperation numerator = OperationHelpers.Unwrap(division.LeftOperand);
        IOperation? factor = null;
        if (numerator is IBinaryOperation { OperatorKind: BinaryOperatorKind.Multiply })
        {
            // c * exp(z) / (1 + exp(z)) is c times the logistic.
            if (ScaledExp(symbols, numerator, out factor) is not { } numeratorExpPart)
            {
                return null;
            }

            numerator = numeratorExpPart;
        }

        IInvocationOperation exp;
        IOperation exponent;
        ISymbol? holder = null;
        IOperation? definitionStatement = null;
        IOperation? definitionValue = null;
        if (ExpOf(symbols, numerator, out IOperation? numeratorExponent) is { } numeratorExp)
        {
            if (ExpOf(symbols, OperationHelpers.Unwrap(other), out IOperation? denominatorExponent) is not { } denominatorExp
                || !SymbolEqualityComparer.Default.Equals(numeratorExp.TargetMethod, denominatorExp.TargetMethod)
                || !SameProduct(numeratorExponent!, denominatorExponent!))
            {
                return null;
            }

            if (IsBoundedAbove(symbols, numeratorExp, numeratorExponent!) || IsGuarded(symbols, numeratorExp, numeratorExponent!))
            {
                return null;
            }

            exp = denominatorExp;
            exponent = denominatorExponent!;
        }
        else if (factor is null && !scaled)
        {
            holder = HolderOf(numerator);
            if (holder is null || !SymbolEqualityComparer.Default.Equals(holder, HolderOf(OperationHelpers.Unwrap(other)))
                || !HasExponentialDefinitionBefore(symbols, division, holder)
                || FindDefinition(symbols, division, holder) is not { } definition
                || ExpOf(symbols, OperationHelpers.Unwrap(definition.Value), out IOperation? definitionExponent) is not { } definitionExp)
            {
                return null;
            }

            if (IsBoundedAbove(symbols, definitionExp, definitionExponent!) || IsGuarded(symbols, definitionExp, definitionExponent!))
            {
                return null;
            }

            exp = definitionExp;
            exponent = definitionExponent!;
            definitionStatement = definition.Statement;
            definitionValue = definition.Value;
        }
        else
        {
            return null;
        }

        return new LogisticMatch(division, one, other, exp, exponent, holder, definitionStatement, definitionValue, factor, denominatorFactor, scaled);
    }

    /// <summary><c>c * exp(z)</c> or <c>exp(z) * c</c>: the exponential (conversions stripped), with c as the factor.</summary>
    private static IOperation? ScaledExp(NumericsSymbols symbols, IOperation product, out IOperation? factor)
    {
        factor = null;
        if (OperationHelpers.Unwrap(product) is not IBinaryOperation { OperatorKind: BinaryOperatorKind.Multiply, LeftOperand: { } left, RightOperand: { } right })
        {
            return null;
        }

        if (ExpOf(symbols, OperationHelpers.Unwrap(right), out _) is not null)
        {
            factor = left;
            return OperationHelpers.Unwrap(right);
        }

        if (ExpOf(symbols, OperationHelpers.Unwrap(left), out _) is not null)
        {
            factor = right;
            return OperationHelpers.Unwrap(left);
        }

        return null;
    }

    /// <summary>An exponential anywhere in the operation.</summary>
    private static bool HasExp(NumericsSymbols symbols, IOperation operation)
    {
        foreach (IOperation node in OperationHelpers.DescendantsAndSelf(operation))
        {
            if (node is IInvocationOperation && ExpOf(symbols, node, out _) is not null)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The same value, the operands of a product or sum taken in either order (r * t and t * r).</summary>
    private static bool SameProduct(IOperation left, IOperation right)
    {
        if (SameValue(left, right))
        {
            return true;
        }

        return OperationHelpers.Unwrap(left) is IBinaryOperation { OperatorKind: BinaryOperatorKind.Multiply or BinaryOperatorKind.Add } a
            && OperationHelpers.Unwrap(right) is IBinaryOperation b && b.OperatorKind == a.OperatorKind
            && SameValue(a.LeftOperand, b.RightOperand) && SameValue(a.RightOperand, b.LeftOperand);
    }

    /// <summary>Math.Exp(z), MathF.Exp(z), double.Exp(z), float.Exp(z), T.Exp(z), Math.Pow(Math.E, z).</summary>
    public static IInvocationOperation? ExpOf(NumericsSymbols symbols, IOperation operation, out IOperation? exponent)
    {
        exponent = null;
        if (operation is not IInvocationOperation invocation)
        {
            return null;
        }

        if (symbols.IsScalarExp(invocation.TargetMethod))
        {
            exponent = OperationHelpers.Argument(invocation, 0);
        }
        else if (symbols.IsPow(invocation.TargetMethod) && OperationHelpers.Argument(invocation, 0) is { } powBase && symbols.IsE(powBase))
        {
            exponent = OperationHelpers.Argument(invocation, 1);
        }

        return exponent is null || exponent is IInvalidOperation ? null : invocation;
    }

    /// <summary>
    /// An exponent that cannot make exp overflow (at most 709 in double, 88 in float): constants, clamps, guards,
    /// negated squares - the range analysis of <see cref="Flow.ValueBounds"/>. The one place where SMX0006 asks for an
    /// upper bound.
    /// </summary>
    private static bool IsBoundedAbove(NumericsSymbols symbols, IInvocationOperation exp, IOperation exponent)
    {
        double limit = exp.TargetMethod.ReturnType.SpecialType == SpecialType.System_Double ? 709 : 88;
        return new Flow.ValueBounds(symbols, productsOfQuantities: false).Of(exponent).Hi <= limit;
    }

    public static bool IsOne(IOperation operation)
    {
        operation = OperationHelpers.Unwrap(operation);
        return OperationHelpers.ConstantNumber(operation) == 1
            || operation is IPropertyReferenceOperation { Property: { IsStatic: true, Name: "One" } };
    }

    /// <summary>A local, or a field of this instance or a static field.</summary>
    private static ISymbol? HolderOf(IOperation operation) => OperationHelpers.Unwrap(operation) switch
    {
        ILocalReferenceOperation local => local.Local,
        IFieldReferenceOperation { Instance: null or IInstanceReferenceOperation } field => field.Field,
        _ => null,
    };

    /// <summary>The statement that last assigned the holder before the division, with the value it assigned; null when unsure.</summary>
    private static (IOperation Statement, IOperation Value)? FindDefinition(NumericsSymbols symbols, IBinaryOperation division, ISymbol holder)
    {
        bool isField = holder is IFieldSymbol || IsWrittenByNestedFunction(symbols, division, holder);
        IOperation node = division;
        int seen = 0;
        bool first = true;
        for (int depth = 0; depth < 32; depth++)
        {
            IOperation? parent = node.Parent;
            if (parent is null || parent is IAnonymousFunctionOperation or ILocalFunctionOperation || parent.Kind == OperationKind.MethodBody)
            {
                return null;
            }

            if (parent is IBlockOperation block)
            {
                // The statement that holds the division must not write the holder itself.
                if (first && Writes(symbols, node, holder, isField))
                {
                    return null;
                }

                first = false;
                int index = IndexOf(block, node);
                if (index < 0)
                {
                    return null;
                }

                for (int i = index - 1; i >= 0; i--)
                {
                    if (++seen > MaxStatements)
                    {
                        return null;
                    }

                    IOperation statement = block.Operations[i];
                    if (DefinitionIn(statement, holder) is { } value)
                    {
                        return (statement, value);
                    }

                    if (Writes(symbols, statement, holder, isField) || statement is ILabeledOperation || Declares(statement, holder))
                    {
                        return null;
                    }
                }
            }
            else if (parent is ILoopOperation loop)
            {
                // Another iteration may have written the holder after the division.
                if (isField || Writes(symbols, loop, holder, isField))
                {
                    return null;
                }
            }
            else if (parent is IConditionalOperation conditional)
            {
                if (conditional.Condition == node || Writes(symbols, conditional.Condition, holder, isField))
                {
                    return null;
                }
            }
            else if (parent is ITryOperation tryOperation)
            {
                if (tryOperation.Body != node)
                {
                    return null;
                }
            }
            else if (parent is ISwitchOperation or IUsingOperation or ILockOperation)
            {
                IOperation? evaluatedFirst = parent switch
                {
                    ISwitchOperation @switch => @switch.Value,
                    IUsingOperation @using => @using.Resources,
                    ILockOperation @lock => @lock.LockedValue,
                    _ => null,
                };
                if (evaluatedFirst == node || Writes(symbols, evaluatedFirst, holder, isField))
                {
                    return null;
                }
            }
            else if (parent is ISwitchCaseOperation)
            {
                // The statements of a case section before the division are searched as a block would be: not supported.
                return null;
            }
            else if (!IsExpressionPart(parent))
            {
                return null;
            }

            node = parent;
        }

        return null;
    }

    /// <summary>A cheap look-back before <see cref="FindDefinition"/>: some statement before the division, in its block or an
    /// enclosing one, defines the holder as an exponential (<c>k = Math.Exp(v)</c>). Most <c>a / (1 + a)</c> divisions
    /// have none, and then the checks that walk the method are not needed.</summary>
    private static bool HasExponentialDefinitionBefore(NumericsSymbols symbols, IOperation division, ISymbol holder)
    {
        IOperation node = division;
        int seen = 0;
        for (IOperation? parent = node.Parent; parent is not null && parent.Kind != OperationKind.MethodBody; node = parent, parent = parent.Parent)
        {
            if (parent is not IBlockOperation block)
            {
                continue;
            }

            for (int i = IndexOf(block, node) - 1; i >= 0 && ++seen <= MaxStatements; i--)
            {
                if (DefinitionIn(block.Operations[i], holder) is { } value)
                {
                    return ExpOf(symbols, OperationHelpers.Unwrap(value), out _) is not null;
                }
            }
        }

        return false;
    }

    /// <summary>A local that a lambda or local function writes can change at any call: treat it like a field.</summary>
    private static bool IsWrittenByNestedFunction(NumericsSymbols symbols, IOperation division, ISymbol holder)
    {
        IOperation top = division;
        while (top.Parent is not null)
        {
            top = top.Parent;
        }

        foreach (IOperation node in OperationHelpers.DescendantsAndSelf(top))
        {
            if (node is IAnonymousFunctionOperation or ILocalFunctionOperation && Writes(symbols, node, holder, callsWrite: false))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Operations between the division and its statement that evaluate within one statement.</summary>
    private static bool IsExpressionPart(IOperation operation) =>
        operation is not (IBlockOperation or ILoopOperation or IAnonymousFunctionOperation or ILocalFunctionOperation or ITryOperation
            or ICatchClauseOperation or ISwitchCaseOperation or ISwitchOperation or ILabeledOperation or IBranchOperation);

    private static int IndexOf(IBlockOperation block, IOperation statement)
    {
        for (int i = 0; i < block.Operations.Length; i++)
        {
            if (block.Operations[i] == statement)
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>`var k = value;` (one declarator) or `k = value;` as a whole statement.</summary>
    private static IOperation? DefinitionIn(IOperation statement, ISymbol holder)
    {
        switch (statement)
        {
            case IVariableDeclarationGroupOperation group:
                foreach (IVariableDeclarationOperation declaration in group.Declarations)
                {
                    foreach (IVariableDeclaratorOperation declarator in declaration.Declarators)
                    {
                        if (SymbolEqualityComparer.Default.Equals(declarator.Symbol, holder) && declarator.Symbol.RefKind == RefKind.None)
                        {
                            return (declarator.Initializer ?? declaration.Initializer)?.Value;
                        }
                    }
                }

                return null;
            case IExpressionStatementOperation { Operation: ISimpleAssignmentOperation { IsRef: false } assignment }
                when SymbolEqualityComparer.Default.Equals(HolderOf(assignment.Target), holder):
                return assignment.Value;
            default:
                return null;
        }
    }

    private static bool Declares(IOperation statement, ISymbol holder)
    {
        foreach (IOperation node in OperationHelpers.DescendantsAndSelf(statement))
        {
            if (node is IVariableDeclaratorOperation declarator && SymbolEqualityComparer.Default.Equals(declarator.Symbol, holder))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// The operation may write the symbol: assignments, increments, ref/out arguments, address-of, ref locals; for a
    /// field, also any call that is not a math function (it could write the field).
    /// </summary>
    public static bool Writes(NumericsSymbols symbols, IOperation? operation, ISymbol symbol, bool callsWrite)
    {
        if (operation is null)
        {
            return false;
        }

        foreach (IOperation node in OperationHelpers.DescendantsAndSelf(operation))
        {
            switch (node)
            {
                case IDeconstructionAssignmentOperation deconstruction when OperationHelpers.References(deconstruction.Target, symbol):
                    return true;
                case IAssignmentOperation assignment when OperationHelpers.IsReferenceTo(assignment.Target, symbol):
                    return true;
                case IIncrementOrDecrementOperation increment when OperationHelpers.IsReferenceTo(increment.Target, symbol):
                    return true;
                case IArgumentOperation { Parameter.RefKind: RefKind.Ref or RefKind.Out } argument when OperationHelpers.IsReferenceTo(argument.Value, symbol):
                    return true;
                case IAddressOfOperation addressOf when OperationHelpers.IsReferenceTo(addressOf.Reference, symbol):
                    return true;
                case IVariableDeclaratorOperation { Symbol.RefKind: not RefKind.None } declarator
                    when declarator.Initializer is not null && OperationHelpers.References(declarator.Initializer, symbol):
                    return true;
                case IInvocationOperation invocation when callsWrite && !IsMathCall(symbols, invocation.TargetMethod):
                    return true;
                case IObjectCreationOperation or IPropertyReferenceOperation or IEventAssignmentOperation when callsWrite:
                    return true;
            }
        }

        return false;
    }

    private static bool IsMathCall(NumericsSymbols symbols, IMethodSymbol method) =>
        symbols.IsScalarExp(method) || symbols.IsPow(method) || (method.IsStatic && symbols.IsMathMember(method, method.Name));

    /// <summary>
    /// The exponential runs only where a dominating comparison bounds its exponent above by a small constant:
    /// <c>x &lt; 0 ? exp(x) / (1 + exp(x)) : ...</c>, <c>if (x &gt; 20) return 1; return exp(x) / (1 + exp(x));</c>.
    /// </summary>
    private static bool IsGuarded(NumericsSymbols symbols, IOperation exp, IOperation exponent)
    {
        (double scale, IOperation value) = Peel(exponent);
        var referenced = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
        OperationHelpers.CollectReferencedSymbols(value, referenced);
        if (referenced.Count == 0)
        {
            return false;
        }

        IOperation node = exp;
        for (int depth = 0; depth < 64; depth++)
        {
            IOperation? parent = node.Parent;
            if (parent is null or IAnonymousFunctionOperation or ILocalFunctionOperation)
            {
                return false;
            }

            if (parent is IConditionalOperation conditional && conditional.Condition != node)
            {
                bool whenTrue = conditional.WhenTrue == node;
                if (Bounds(symbols, conditional.Condition, whenTrue, scale, value) && !WritesAny(node, referenced))
                {
                    return true;
                }
            }
            else if (parent is IBlockOperation block)
            {
                int index = IndexOf(block, node);
                for (int i = index - 1; i >= 0 && index - i <= MaxStatements; i--)
                {
                    if (block.Operations[i] is IConditionalOperation { WhenFalse: null } exit && AlwaysExits(exit.WhenTrue)
                        && Bounds(symbols, exit.Condition, false, scale, value))
                    {
                        bool written = false;
                        for (int j = i + 1; j <= index && !written; j++)
                        {
                            written = WritesAny(block.Operations[j], referenced);
                        }

                        if (!written)
                        {
                            return true;
                        }
                    }
                }
            }

            node = parent;
        }

        return false;
    }

    private static bool WritesAny(IOperation operation, HashSet<ISymbol> symbols)
    {
        foreach (IOperation target in OperationHelpers.WriteTargets(operation))
        {
            foreach (IOperation written in OperationHelpers.DescendantsAndSelf(target))
            {
                if (OperationHelpers.ReferencedSymbol(written) is { } symbol && symbols.Contains(symbol))
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static bool AlwaysExits(IOperation operation) => operation switch
    {
        IReturnOperation or IThrowOperation or IBranchOperation => true,
        IExpressionStatementOperation { Operation: IThrowOperation } => true,
        IBlockOperation { Operations.Length: > 0 } block => AlwaysExits(block.Operations[block.Operations.Length - 1]),
        _ => false,
    };

    /// <summary>When <paramref name="condition"/> has the value <paramref name="holds"/>, scale * value is at most <see cref="GuardBound"/>.</summary>
    private static bool Bounds(NumericsSymbols symbols, IOperation condition, bool holds, double scale, IOperation value)
    {
        condition = OperationHelpers.Unwrap(condition);
        switch (condition)
        {
            case IUnaryOperation { OperatorKind: UnaryOperatorKind.Not } not:
                return Bounds(symbols, not.Operand, !holds, scale, value);
            case IBinaryOperation { OperatorKind: BinaryOperatorKind.ConditionalAnd } and:
                return holds
                    ? Bounds(symbols, and.LeftOperand, true, scale, value) || Bounds(symbols, and.RightOperand, true, scale, value)
                    : Bounds(symbols, and.LeftOperand, false, scale, value) && Bounds(symbols, and.RightOperand, false, scale, value);
            case IBinaryOperation { OperatorKind: BinaryOperatorKind.ConditionalOr } or:
                return holds
                    ? Bounds(symbols, or.LeftOperand, true, scale, value) && Bounds(symbols, or.RightOperand, true, scale, value)
                    : Bounds(symbols, or.LeftOperand, false, scale, value) || Bounds(symbols, or.RightOperand, false, scale, value);
            case IBinaryOperation { OperatorKind: BinaryOperatorKind.LessThan or BinaryOperatorKind.LessThanOrEqual or BinaryOperatorKind.GreaterThan or BinaryOperatorKind.GreaterThanOrEqual } comparison:
            {
                bool upper = comparison.OperatorKind is BinaryOperatorKind.LessThan or BinaryOperatorKind.LessThanOrEqual;
                IOperation compared;
                double constant;
                if (OperationHelpers.ConstantNumber(comparison.RightOperand) is double right)
                {
                    compared = comparison.LeftOperand;
                    constant = right;
                }
                else if (OperationHelpers.ConstantNumber(comparison.LeftOperand) is double left)
                {
                    compared = comparison.RightOperand;
                    constant = left;
                    upper = !upper;
                }
                else
                {
                    return false;
                }

                if (!holds)
                {
                    upper = !upper;
                }

                // compared = s * v with v the exponent's value: a bound on s * v is a bound on v.
                (double comparedScale, IOperation comparedValue) = Peel(compared);
                if (upper && comparedScale > 0 && constant >= 0
                    && OperationHelpers.Unwrap(comparedValue) is IInvocationOperation absCall
                    && symbols.IsMathMember(absCall.TargetMethod, "Abs") && absCall.Arguments.Length == 1)
                {
                    // |v| <= c bounds v on both sides.
                    (double innerScale, IOperation innerValue) = Peel(absCall.Arguments[0].Value);
                    return SameValue(innerValue, value) && System.Math.Abs(scale / innerScale) * (constant / comparedScale) <= GuardBound;
                }

                if (!SameValue(comparedValue, value))
                {
                    return false;
                }

                double bound = constant / comparedScale;
                bool valueUpper = comparedScale > 0 ? upper : !upper;

                // exponent = scale * v: bounded above when v is bounded in the direction of scale's sign.
                return (scale > 0) == valueUpper && scale * bound <= GuardBound;
            }

            default:
                return false;
        }
    }

    /// <summary>Splits -x, 2 * x, x / t (t constant) into a constant scale and the value it multiplies.</summary>
    private static (double Scale, IOperation Value) Peel(IOperation operation)
    {
        double scale = 1;
        for (int depth = 0; depth < 8; depth++)
        {
            operation = OperationHelpers.Unwrap(operation);
            switch (operation)
            {
                case IUnaryOperation { OperatorKind: UnaryOperatorKind.Minus } minus:
                    scale = -scale;
                    operation = minus.Operand;
                    continue;
                case IUnaryOperation { OperatorKind: UnaryOperatorKind.Plus } plus:
                    operation = plus.Operand;
                    continue;
                case IBinaryOperation { OperatorKind: BinaryOperatorKind.Multiply } product
                    when OperationHelpers.ConstantNumber(product.LeftOperand) is double factor && factor != 0 && !double.IsNaN(factor):
                    scale *= factor;
                    operation = product.RightOperand;
                    continue;
                case IBinaryOperation { OperatorKind: BinaryOperatorKind.Multiply } product
                    when OperationHelpers.ConstantNumber(product.RightOperand) is double factor && factor != 0 && !double.IsNaN(factor):
                    scale *= factor;
                    operation = product.LeftOperand;
                    continue;
                case IBinaryOperation { OperatorKind: BinaryOperatorKind.Divide } quotient
                    when OperationHelpers.ConstantNumber(quotient.RightOperand) is double divisor && divisor != 0 && !double.IsNaN(divisor):
                    scale /= divisor;
                    operation = quotient.LeftOperand;
                    continue;
            }

            break;
        }

        return (scale, operation);
    }

    /// <summary>Two occurrences of the same expression (x and x, w.Dot(v) and w.Dot(v)) without assignments between.</summary>
    public static bool SameValue(IOperation left, IOperation right) => OperationHelpers.SameValue(left, right, allowCalls: true);
}
