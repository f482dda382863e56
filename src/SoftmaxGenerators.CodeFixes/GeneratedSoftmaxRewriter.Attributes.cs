using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using SoftmaxGenerators.Diagnostics;

namespace SoftmaxGenerators.CodeFixes;

/// <summary>The <c>[Softmax]</c> attributes a fix adds: their syntax, where they go, and the partial Program class of top-level statements.</summary>
internal static partial class GeneratedSoftmaxRewriter
{
    /// <summary>
    /// <c>Softmax</c> when it already binds to the attribute there, or after adding <c>using SoftmaxGenerators;</c>
    /// when nothing else of that name is in scope; otherwise the qualified name.
    /// </summary>
    private static string AttributeName(SemanticModel model, int position, INamedTypeSymbol attributeType, out bool needsUsing)
    {
        needsUsing = false;
        ImmutableArray<ISymbol> found = model.LookupNamespacesAndTypes(position, name: "Softmax")
            .AddRange(model.LookupNamespacesAndTypes(position, name: "SoftmaxAttribute"));
        if (found.IsEmpty)
        {
            needsUsing = true;
            return "Softmax";
        }

        return found.All(symbol => SymbolEqualityComparer.Default.Equals(symbol, attributeType))
            ? "Softmax"
            : "global::SoftmaxGenerators.Softmax";
    }

    /// <summary>
    /// The name to write for the <c>SoftmaxFunctions</c> enum next to <paramref name="attributeName"/>: <c>SoftmaxFunctions</c>
    /// where it binds to the attributes assembly's enum (or will, once the using the attribute needs is added), else the
    /// qualified name.
    /// </summary>
    private static string FunctionsName(SemanticModel model, int position, string attributeName, bool needsUsing)
    {
        const string Qualified = "global::SoftmaxGenerators.SoftmaxFunctions";
        if (attributeName != "Softmax")
        {
            return Qualified;
        }

        ImmutableArray<ISymbol> found = model.LookupNamespacesAndTypes(position, name: "SoftmaxFunctions");
        return (found.IsEmpty && needsUsing) || (found.Length > 0 && found.All(symbol => symbol is INamedTypeSymbol { TypeKind: TypeKind.Enum } named
            && named.ToDisplayString() == "SoftmaxGenerators.SoftmaxFunctions"))
            ? "SoftmaxFunctions"
            : Qualified;
    }

    private static AttributeListSyntax AttributeList(string attributeName, string functionsName, int length, string methodName, int function)
    {
        // A run-time length (0) is [Softmax] without a length: no argument list, or only the method name.
        string n = length.ToString(CultureInfo.InvariantCulture);
        string arguments = length == SoftmaxUsageRules.RuntimeLength
            ? (methodName == SoftmaxUsageRules.DefaultMethodName ? string.Empty : $"MethodName = \"{methodName}\"")
            : methodName == SoftmaxUsageRules.DefaultMethodName ? n : $"{n}, MethodName = \"{methodName}\"";
        if (function != Model.LayerFunctions.Softmax)
        {
            arguments += (arguments.Length == 0 ? string.Empty : ", ") + $"Functions = {functionsName}.{FunctionName(function)}";
        }

        var declaration = (TypeDeclarationSyntax)SyntaxFactory.ParseMemberDeclaration($"[{attributeName}{(arguments.Length == 0 ? string.Empty : "(" + arguments + ")")}] class C {{ }}")!;
        return declaration.AttributeLists[0].WithoutTrivia();
    }

    /// <summary>The <c>SoftmaxFunctions</c> member of one flag.</summary>
    internal static string FunctionName(int function) => function switch
    {
        Model.LayerFunctions.LogSoftmax => "LogSoftmax",
        Model.LayerFunctions.LogSumExp => "LogSumExp",
        Model.LayerFunctions.CrossEntropy => "CrossEntropy",
        Model.LayerFunctions.Backward => "Backward",
        Model.LayerFunctions.Temperature => "Temperature",
        _ => "Softmax",
    };

    /// <summary>Adds the lists after the existing attributes, each on its own line at the declaration's indentation.</summary>
    internal static TypeDeclarationSyntax AddAttributes(TypeDeclarationSyntax declaration, IEnumerable<AttributeListSyntax> lists, string endOfLine)
    {
        SyntaxToken first = declaration.GetFirstToken();
        SyntaxTriviaList indentation = Indentation(first.LeadingTrivia);
        var newLists = lists.Select(list => list.WithLeadingTrivia(indentation).WithTrailingTrivia(SyntaxFactory.EndOfLine(endOfLine))).ToList();
        if (newLists.Count == 0)
        {
            return declaration;
        }

        if (declaration.AttributeLists.Count == 0)
        {
            // The first list takes over the declaration's leading trivia (documentation comments, blank lines).
            newLists[0] = newLists[0].WithLeadingTrivia(first.LeadingTrivia);
            declaration = declaration.ReplaceToken(first, first.WithLeadingTrivia(indentation));
        }

        return declaration.WithAttributeLists(declaration.AttributeLists.AddRange(newLists));
    }

    private static SyntaxTriviaList Indentation(SyntaxTriviaList leading)
    {
        int start = leading.Count;
        while (start > 0 && leading[start - 1].IsKind(SyntaxKind.WhitespaceTrivia))
        {
            start--;
        }

        return SyntaxFactory.TriviaList(leading.Skip(start));
    }

    private static MemberDeclarationSyntax ProgramDeclaration(string name, List<AttributeListSyntax> lists, string endOfLine)
    {
        string attributes = string.Concat(lists.Select(list => list.ToFullString() + endOfLine));
        return SyntaxFactory.ParseMemberDeclaration($"{attributes}partial class {name}{endOfLine}{{{endOfLine}}}{endOfLine}")!;
    }
}
