using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using SoftmaxGenerators.Analyzers.Patterns;

namespace SoftmaxGenerators.CodeFixes;

/// <summary>
/// A whole-array softmax with a library's own functions, <c>var e = np.exp(x); e / np.sum(e)</c>, becomes
/// <c>np.exp(x - np.max(x))</c>: the library's maximum over the whole array, from the exponential's own class, and the
/// array type's subtraction. Only where the exponentials are held in one local read nowhere but as the numerator of a
/// division by their sum and as that sum's argument (a sum over all elements, no axis), so the shift cancels exactly.
/// </summary>
internal static class ElementwisePlanner
{
    /// <summary>A whole array, tensor or vector: no number, no type parameter, nothing the scalar rewrites have a
    /// maximum for.</summary>
    public static bool IsArrayValued(ITypeSymbol? type, FixContext context) =>
        type is { SpecialType: SpecialType.None } and not ITypeParameterSymbol && MaxFunctions.For(type, context) is null;

    public static ShiftPlan? Plan(FixContext context, ExpSite site, ImmutableArray<Accumulator> accumulators)
    {
        if (site.Kind != ExpSiteKind.Call || site.Node is not IInvocationOperation { TargetMethod: { IsStatic: true } exp } call
            || call.Syntax is not InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Expression: { } qualifier } }
            || site.Exponent is not { } exponent || exponent.Syntax is not ExpressionSyntax exponentSyntax
            || OperationHelpers.ReferencedSymbol(exponent) is not ILocalSymbol and not IParameterSymbol
            || accumulators.IsEmpty
            || OperationHelpers.ParentSkippingConversions(call, out _) is not IVariableInitializerOperation { Parent: IVariableDeclaratorOperation { Symbol: var holder } }
            || context.Model.GetOperation(context.Member) is not { } body)
        {
            return null;
        }

        ITypeSymbol array = exp.ReturnType;
        IMethodSymbol? max = exp.ContainingType.GetMembers().OfType<IMethodSymbol>().FirstOrDefault(m =>
            m.IsStatic && m.Name is "max" or "Max" or "amax" && m.Parameters.Length >= 1
            && SymbolEqualityComparer.Default.Equals(m.Parameters[0].Type, array) && SymbolEqualityComparer.Default.Equals(m.ReturnType, array)
            && m.Parameters.Skip(1).All(p => p.IsOptional));
        bool subtracts = array.GetMembers("op_Subtraction").OfType<IMethodSymbol>().Any(m =>
            m.Parameters.Length == 2 && m.Parameters.All(p => SymbolEqualityComparer.Default.Equals(p.Type, array)));
        if (max is null || !subtracts || context.Analysis.WritesOf(holder).Count != 1)
        {
            return null;
        }

        // Each sum adds up the whole array and only divides the holder.
        foreach (Accumulator accumulator in accumulators)
        {
            if (accumulator.Invocation is not IInvocationOperation sum || sum.Arguments.Skip(1).Any(a => a.ArgumentKind != ArgumentKind.DefaultValue)
                || OperationHelpers.ParentSkippingConversions(sum, out IOperation divisor) is not IBinaryOperation { OperatorKind: BinaryOperatorKind.Divide } division
                || division.RightOperand != divisor || !IsHolder(division.LeftOperand, holder))
            {
                return null;
            }
        }

        foreach (IOperation node in OperationHelpers.DescendantsAndSelf(body))
        {
            if (node is not ILocalReferenceOperation { Local: var local } || !SymbolEqualityComparer.Default.Equals(local, holder))
            {
                continue;
            }

            IOperation? parent = OperationHelpers.ParentSkippingConversions(node, out IOperation child);
            bool summed = parent is IArgumentOperation { Parent: IInvocationOperation summing } && accumulators.Any(a => a.Invocation == summing);
            bool divided = parent is IBinaryOperation { OperatorKind: BinaryOperatorKind.Divide } division && division.LeftOperand == child
                && accumulators.Any(a => a.Invocation is { } s && OperationHelpers.Unwrap(division.RightOperand) == s);
            if (!summed && !divided)
            {
                return null;
            }
        }

        string maximum = qualifier.WithoutTrivia() + "." + max.Name + "(" + exponentSyntax.WithoutTrivia() + ")";
        var plan = new ShiftPlan(context.Member, null, maximum).WithoutInsertion();
        plan.Replacements.Add((exponentSyntax, current => ShiftPlanner.Shifted((ExpressionSyntax)current, maximum)));
        return plan;
    }

    /// <summary>
    /// The softplus of a whole tensor with a backend's functions, <c>Log(Exp(x) + 1)</c>, becomes
    /// <c>Maximum(x, 0) + Log(Exp(Neg(Abs(x))) + 1)</c> with the functions of the class or interface the log comes from:
    /// an element-wise maximum against a number (not a reduction along an axis), an absolute value, a negation (the
    /// unary minus where the type has one) and the type's addition. The rest of the expression is kept as written.
    /// </summary>
    public static string? StableSoftplus(FixContext context, IInvocationOperation log, ExpressionSyntax exponent)
    {
        ITypeSymbol tensor = log.TargetMethod.ReturnType;
        if (log.Syntax is not InvocationExpressionSyntax { Expression: var callee } || log.TargetMethod.ContainingType is not { } owner)
        {
            return null;
        }

        string qualifier = callee switch
        {
            MemberAccessExpressionSyntax access => access.Expression.WithoutTrivia() + ".",
            IdentifierNameSyntax => string.Empty,
            _ => "?",
        };
        var functions = OperationHelpers.SelfAndBaseTypes(owner).Concat(owner.AllInterfaces).SelectMany(t => t.GetMembers())
            .OfType<IMethodSymbol>().ToList();
        IMethodSymbol? maximum = functions.FirstOrDefault(m => m.Name is "Maximum" or "maximum" && m.Parameters.Length == 2
            && SymbolEqualityComparer.Default.Equals(m.Parameters[0].Type, tensor) && SymbolEqualityComparer.Default.Equals(m.ReturnType, tensor)
            && m.Parameters[1].Type.SpecialType is SpecialType.System_Single or SpecialType.System_Double);
        IMethodSymbol? abs = Unary(functions, tensor, "Abs", "abs");
        IMethodSymbol? negate = Unary(functions, tensor, "Neg", "Negate", "negative");
        bool minus = HasOperator(tensor, "op_UnaryNegation", 1);
        if (qualifier == "?" || maximum is null || abs is null || (negate is null && !minus) || !HasOperator(tensor, "op_Addition", 2)
            || (qualifier.Length == 0 && (maximum.IsStatic != log.TargetMethod.IsStatic || abs.IsStatic != log.TargetMethod.IsStatic)))
        {
            return null;
        }

        string z = exponent.WithoutTrivia().ToString();
        string zero = maximum.Parameters[1].Type.SpecialType == SpecialType.System_Single ? "0f" : "0.0";
        string absolute = qualifier + abs.Name + "(" + z + ")";
        string negative = minus ? "-" + absolute : qualifier + negate!.Name + "(" + absolute + ")";
        string rewrittenLog = log.Syntax.ReplaceNode(exponent, SyntaxFactory.ParseExpression(negative).WithTriviaFrom(exponent)).WithoutTrivia().ToString();
        return qualifier + maximum.Name + "(" + z + ", " + zero + ") + " + rewrittenLog;
    }

    private static IMethodSymbol? Unary(List<IMethodSymbol> functions, ITypeSymbol tensor, params string[] names) =>
        functions.FirstOrDefault(m => names.Contains(m.Name) && m.Parameters.Length == 1
            && SymbolEqualityComparer.Default.Equals(m.Parameters[0].Type, tensor) && SymbolEqualityComparer.Default.Equals(m.ReturnType, tensor));

    private static bool HasOperator(ITypeSymbol type, string name, int arity) =>
        type.GetMembers(name).OfType<IMethodSymbol>().Any(m => m.Parameters.Length == arity && m.Parameters.All(p => SymbolEqualityComparer.Default.Equals(p.Type, type)));

    private static bool IsHolder(IOperation operation, ISymbol holder) =>
        OperationHelpers.Unwrap(operation) is ILocalReferenceOperation { Local: var local } && SymbolEqualityComparer.Default.Equals(local, holder);
}
