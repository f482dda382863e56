using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace SoftmaxGenerators.CodeFixes;

/// <summary>
/// Helpers of the compilation that a fix may call once more (the maximum pass evaluates the exponent again): a
/// non-virtual method with a body in source that only reads its parameters, fields and locals, does arithmetic and
/// pure math, branches and returns, and writes nothing but its own locals.
/// </summary>
internal static class PureHelpers
{
    public static bool IsPure(FixContext context, IMethodSymbol method) => IsPure(context, method, depth: 0);

    private static bool IsPure(FixContext context, IMethodSymbol method, int depth)
    {
        if (depth > 2 || method.IsVirtual || method.IsAbstract || method.IsOverride || method.IsExtern || method.IsGenericMethod
            || method.MethodKind != MethodKind.Ordinary || method.ReturnsVoid || method.ReturnsByRef || method.ReturnsByRefReadonly
            || method.Parameters.Any(p => p.RefKind != RefKind.None)
            || method.DeclaringSyntaxReferences.Length != 1)
        {
            return false;
        }

        SyntaxNode declaration = method.DeclaringSyntaxReferences[0].GetSyntax();
        if (!context.Model.Compilation.ContainsSyntaxTree(declaration.SyntaxTree))
        {
            return false;
        }

        SemanticModel model = declaration.SyntaxTree == context.Model.SyntaxTree ? context.Model : context.Model.Compilation.GetSemanticModel(declaration.SyntaxTree);
        if (model.GetOperation(declaration) is not { } body)
        {
            return false;
        }

        foreach (IOperation node in body.DescendantsAndSelf())
        {
            switch (node)
            {
                case IMethodBodyOperation or IBlockOperation or IReturnOperation { ReturnedValue: not null, Kind: OperationKind.Return } or IConditionalOperation or ILiteralOperation
                    or IParameterReferenceOperation or ILocalReferenceOperation or IFieldReferenceOperation or IInstanceReferenceOperation
                    or IBinaryOperation or IUnaryOperation or IConversionOperation or IParenthesizedOperation or IArgumentOperation
                    or IVariableDeclarationGroupOperation or IVariableDeclarationOperation or IVariableDeclaratorOperation
                    or IVariableInitializerOperation or IExpressionStatementOperation or IEmptyOperation:
                    break;
                case IPropertyReferenceOperation { Property: { IsIndexer: false, GetMethod: not null } property }
                    when property.Name is "Length" or "Count" || property.GetMethod.IsImplicitlyDeclared
                        || property.DeclaringSyntaxReferences.Any(r => r.GetSyntax() is Microsoft.CodeAnalysis.CSharp.Syntax.PropertyDeclarationSyntax { AccessorList: { } list }
                            && list.Accessors.All(a => a.Body is null && a.ExpressionBody is null)):
                    // Auto-properties, Length and Count.
                    break;
                case ISimpleAssignmentOperation assignment when assignment.Target is ILocalReferenceOperation:
                    break;
                case ICompoundAssignmentOperation compound when compound.Target is ILocalReferenceOperation:
                    break;
                case IInvocationOperation invocation when invocation.TargetMethod.IsStatic
                    && context.Analysis.Symbols.IsMathMember(invocation.TargetMethod, invocation.TargetMethod.Name):
                    break;
                case IInvocationOperation invocation when invocation.Instance is null or IInstanceReferenceOperation
                    && IsPure(context, invocation.TargetMethod, depth + 1):
                    break;
                default:
                    return false;
            }
        }

        return true;
    }
}
