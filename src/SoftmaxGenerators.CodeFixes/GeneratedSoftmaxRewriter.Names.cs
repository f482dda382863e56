using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using SoftmaxGenerators.Diagnostics;

namespace SoftmaxGenerators.CodeFixes;

/// <summary>Names of the generated kernels' methods: the one a new attribute gets, and the names a type already uses.</summary>
internal static partial class GeneratedSoftmaxRewriter
{
    /// <summary>The name of the generated method of <paramref name="function"/> for an attribute's <c>MethodName</c>.</summary>
    internal static string GeneratedMethodName(string methodName, int function) => function switch
    {
        Model.LayerFunctions.LogSoftmax => Model.LayerFunctions.LogSoftmaxName(methodName),
        Model.LayerFunctions.LogSumExp => Model.LayerFunctions.LogSumExpName(methodName),
        Model.LayerFunctions.CrossEntropy => Model.LayerFunctions.CrossEntropyName(methodName),
        Model.LayerFunctions.Backward => Model.LayerFunctions.BackwardName(methodName),
        _ => methodName,
    };

    /// <summary>
    /// Whether the type or a base type has a member of that name that this generator did not write: an overload the
    /// call could bind to instead of the generated method (a user's <c>LogSumExp(double[])</c> is a better match for
    /// an array than the generated <c>LogSumExp(ReadOnlySpan&lt;double&gt;)</c>).
    /// </summary>
    private static bool HasOtherMembersNamed(INamedTypeSymbol type, string name)
    {
        for (INamedTypeSymbol? current = type; current is not null; current = current.BaseType)
        {
            foreach (ISymbol member in current.GetMembers(name))
            {
                if (!member.IsImplicitlyDeclared && !member.GetAttributes().Any(a => a.AttributeClass?.Name == "GeneratedCodeAttribute"
                    && a.ConstructorArguments.Length == 2 && a.ConstructorArguments[0].Value as string == SoftmaxUsageRules.GeneratedCodeTool))
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static string ChooseName(int length, int function, HashSet<string> taken)
    {
        bool Free(string name) => SoftmaxUsageRules.GeneratedNames(name, function).All(generated => !taken.Contains(generated));

        if (Free(SoftmaxUsageRules.DefaultMethodName))
        {
            return SoftmaxUsageRules.DefaultMethodName;
        }

        // Softmax10 for rows of 10 values, SoftmaxAny for rows of a run-time length.
        string withLength = SoftmaxUsageRules.DefaultMethodName
            + (length == SoftmaxUsageRules.RuntimeLength ? "Any" : length.ToString(CultureInfo.InvariantCulture));
        if (Free(withLength))
        {
            return withLength;
        }

        for (int suffix = 2; ; suffix++)
        {
            string candidate = withLength + "_" + suffix.ToString(CultureInfo.InvariantCulture);
            if (Free(candidate))
            {
                return candidate;
            }
        }
    }

    /// <summary>
    /// Names a new method must not use: the type's name, every member of the type and its base types (generated ones
    /// included), the names existing attributes claim, and every name declared inside the type's code (a local or
    /// local function named like the method would hide it at the call).
    /// </summary>
    private static HashSet<string> TakenNames(INamedTypeSymbol type, ImmutableArray<SoftmaxUsageRules.AttributeInfo> existing, CancellationToken cancellationToken)
    {
        var taken = new HashSet<string>(StringComparer.Ordinal) { type.Name };
        for (INamedTypeSymbol? current = type; current is not null; current = current.BaseType)
        {
            foreach (string name in current.MemberNames)
            {
                taken.Add(name);
            }
        }

        foreach (SoftmaxUsageRules.AttributeInfo attribute in existing)
        {
            if (attribute.MethodName is { } name)
            {
                taken.UnionWith(SoftmaxUsageRules.GeneratedNames(name, attribute.Functions));
            }
        }

        foreach (SyntaxReference reference in type.DeclaringSyntaxReferences)
        {
            SyntaxNode declaration = reference.GetSyntax(cancellationToken);
            IEnumerable<SyntaxNode> scopes = declaration is CompilationUnitSyntax unit
                ? unit.Members.OfType<GlobalStatementSyntax>()
                : new[] { declaration };
            foreach (SyntaxNode scope in scopes)
            {
                taken.UnionWith(DeclaredNames(scope));
            }
        }

        return taken;
    }

    private static HashSet<string> DeclaredNames(SyntaxNode scope)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        IEnumerable<SyntaxNode> nodes = scope is CompilationUnitSyntax unit
            ? unit.Members.OfType<GlobalStatementSyntax>().SelectMany(s => s.DescendantNodesAndSelf())
            : scope.DescendantNodesAndSelf();
        foreach (SyntaxNode node in nodes)
        {
            SyntaxToken identifier = node switch
            {
                VariableDeclaratorSyntax declarator => declarator.Identifier,
                SingleVariableDesignationSyntax designation => designation.Identifier,
                LocalFunctionStatementSyntax function => function.Identifier,
                ParameterSyntax parameter => parameter.Identifier,
                TypeParameterSyntax typeParameter => typeParameter.Identifier,
                ForEachStatementSyntax loop => loop.Identifier,
                CatchDeclarationSyntax catchDeclaration => catchDeclaration.Identifier,
                FromClauseSyntax from => from.Identifier,
                LetClauseSyntax let => let.Identifier,
                JoinClauseSyntax join => join.Identifier,
                JoinIntoClauseSyntax into => into.Identifier,
                QueryContinuationSyntax continuation => continuation.Identifier,
                _ => default,
            };
            if (identifier.ValueText is { Length: > 0 } text)
            {
                names.Add(text);
            }
        }

        return names;
    }
}
