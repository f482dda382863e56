using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace SoftmaxGenerators.Analyzers.Facts;

/// <summary>
/// A text pre-filter for the numerics rules, built once per compilation: where in each syntax tree an identifier names
/// something the rules can recognize. Every rule starts from a call of an exponential, a logarithm, <c>Math.Pow</c> or
/// a softmax, and calls are spelled in the source; a method body, a type or a callee whose text names none of them
/// cannot hold anything the rules report, so it is neither bound nor walked. On a large codebase almost all code is
/// skipped this way (see docs/analyzers.md, "Cost").
/// <para>
/// The names: <c>Exp</c>, <c>exp</c>, <c>Log</c>, <c>log</c>, <c>LogP1</c>, <c>Pow</c> (System.Math and friends,
/// Unity, generic math, numeric-operations abstractions), the simple names of the functions configured in
/// .editorconfig, every identifier that contains "softmax" in any case (<c>Softmax(z)</c>,
/// <c>TensorPrimitives.SoftMax</c>, <c>SoftmaxLayer</c>), the forward-function names of a softmax type
/// (<see cref="ForwardNames"/>) when a type-only context (a field, parameter, local or return type, a <c>new</c>)
/// names a softmax type (those it declares, for a type of the sources), and, to a fixpoint, the name of
/// every one-parameter method whose whole body returns a call of an exponential or logarithm name, or a clamp of one
/// (user wrappers such as <c>Sigma(x) =&gt; Math.Exp(x)</c> or <c>Bound(Math.Exp(x))</c>, whose callers name only the
/// wrapper: the shape
/// <see cref="NumericFunctions"/> recognizes as a wrapper). Identifiers only: names in comments and strings do not
/// count.
/// </para>
/// <para>Known limits: identifiers written with Unicode escapes (<c>\u0045xp</c>) are not matched; the forward
/// functions of a softmax type defined in a referenced library are recognized only where the sources name that type
/// (a field, a parameter, a local, a static call), not where it is reached only through library members
/// (<c>model.Output.Forward(x)</c>). A tree the index does not know (not part of the compilation) is always
/// interesting.</para>
/// </summary>
internal sealed class InterestIndex
{
    /// <summary>How many rounds of wrappers of wrappers are followed (the wrapper analysis itself stops at depth 3).</summary>
    private const int MaxRounds = 4;

    /// <summary>Methods of a type named like a softmax that compute it (<c>Softmax.Apply(x)</c>,
    /// <c>SoftmaxLayer.Forward(x)</c>).</summary>
    public static readonly ImmutableArray<string> ForwardNames = ImmutableArray.Create(
        "Apply", "Forward", "Activate", "Activation", "Compute", "Evaluate", "Function", "Calculate", "Transform");

    private static readonly string[] s_baseNames = { "Exp", "exp", "Log", "log", "LogP1", "Pow", "PointwiseExp" };

    private readonly Dictionary<SyntaxTree, int[]> _hits;
    private readonly HashSet<string> _functionNames;

    private InterestIndex(Dictionary<SyntaxTree, int[]> hits, HashSet<string> functionNames)
    {
        _hits = hits;
        _functionNames = functionNames;
    }

    /// <summary>Whether a method of this name can be an exponential or a logarithm: a library name, a configured
    /// function or one of the compilation's wrappers (<see cref="NumericFunctions"/> recognizes no other).</summary>
    public bool IsFunctionName(string name) => _functionNames.Contains(name);

    /// <summary>Builds the index of every tree of the compilation.</summary>
    public static InterestIndex Build(Compilation compilation, IEnumerable<string> configuredNames)
    {
        // The whole text of each tree: for the usual SourceText (a string) this is that string, no copy; a large file
        // read as chunks is copied once.
        var trees = new List<(SyntaxTree Tree, string Text, List<int> Hits)>();
        foreach (SyntaxTree tree in compilation.SyntaxTrees)
        {
            trees.Add((tree, tree.GetText().ToString(), new List<int>()));
        }

        var names = new HashSet<string>(s_baseNames, StringComparer.Ordinal);
        foreach (string configured in configuredNames)
        {
            string simple = configured.Substring(configured.LastIndexOf('.') + 1);
            if (simple.Length > 0)
            {
                names.Add(simple);
            }
        }

        // The forward functions (Forward, Apply...) of softmax types count only where a type-only context names such a
        // type: every instance of one is typed somewhere (a field, a parameter, a return type, new SoftmaxLayer(), a base
        // list), and a static call (Softmax.Apply(x)) names the type in the calling body itself. A type of the sources
        // brings the forward functions it declares; a type named only in type contexts (a library's) brings them all.
        var declaredForwards = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var typeContexts = new HashSet<string>(StringComparer.Ordinal);
        foreach ((SyntaxTree tree, string text, List<int> hits) in trees)
        {
            SyntaxNode? root = null;
            foreach (int at in SoftmaxOccurrences(text))
            {
                SyntaxToken token = (root ??= tree.GetRoot()).FindToken(at);
                if (!token.IsKind(SyntaxKind.IdentifierToken) || !token.Span.Contains(at))
                {
                    continue;
                }

                hits.Add(token.SpanStart);
                if (token.Parent is TypeDeclarationSyntax type && type.Identifier == token)
                {
                    if (!declaredForwards.TryGetValue(token.ValueText, out List<string>? forwards))
                    {
                        declaredForwards[token.ValueText] = forwards = new List<string>();
                    }

                    foreach (MemberDeclarationSyntax member in type.Members)
                    {
                        if (member is MethodDeclarationSyntax method && ForwardNames.Contains(method.Identifier.ValueText))
                        {
                            forwards.Add(method.Identifier.ValueText);
                        }
                    }
                }
                else if (token.Parent is SimpleNameSyntax name && SyntaxFacts.IsInTypeOnlyContext(name))
                {
                    typeContexts.Add(token.ValueText);
                }
            }
        }

        var forwardNames = new HashSet<string>(StringComparer.Ordinal);
        foreach (string typeName in typeContexts)
        {
            forwardNames.UnionWith(declaredForwards.TryGetValue(typeName, out List<string>? declared) ? declared : ForwardNames);
        }

        if (forwardNames.Count > 0)
        {
            foreach ((SyntaxTree tree, string text, List<int> hits) in trees)
            {
                foreach (string forward in forwardNames)
                {
                    FindWord(tree, text, forward, hits, wrappers: null);
                }
            }
        }

        // Exponential and logarithm names, then the wrappers around them, then the wrappers around those...
        var pending = new HashSet<string>(names, StringComparer.Ordinal);
        for (int round = 0; round <= MaxRounds && pending.Count > 0; round++)
        {
            var wrappers = new HashSet<string>(StringComparer.Ordinal);
            foreach ((SyntaxTree tree, string text, List<int> hits) in trees)
            {
                foreach (string name in pending)
                {
                    FindWord(tree, text, name, hits, wrappers);
                }
            }

            wrappers.ExceptWith(names);
            names.UnionWith(wrappers);
            pending = wrappers;
        }

        var index = new Dictionary<SyntaxTree, int[]>();
        foreach ((SyntaxTree tree, string _, List<int> hits) in trees)
        {
            hits.Sort();
            index[tree] = hits.ToArray();
        }

        return new InterestIndex(index, names);
    }

    /// <summary>False when the node's text names nothing the rules recognize (then nothing in it can be reported).</summary>
    public bool MayBeInteresting(SyntaxNode node) => MayBeInteresting(node.SyntaxTree, node.FullSpan);

    /// <summary>False when none of the blocks' text names anything the rules recognize.</summary>
    public bool MayBeInteresting(ImmutableArray<IOperation> blocks)
    {
        foreach (IOperation block in blocks)
        {
            if (block?.Syntax is { } syntax && MayBeInteresting(syntax))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>False when no declaration of the symbol names anything the rules recognize; symbols without source
    /// declarations (implicit types) are interesting.</summary>
    public bool MayBeInteresting(ISymbol symbol)
    {
        ImmutableArray<SyntaxReference> references = symbol.DeclaringSyntaxReferences;
        if (references.IsEmpty)
        {
            return true;
        }

        foreach (SyntaxReference reference in references)
        {
            if (MayBeInteresting(reference.SyntaxTree, reference.Span))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// The positions of the indexed names that start inside the span, in order; null when the index does not know the
    /// tree (then everything in it must be looked at).
    /// </summary>
    public ArraySegment<int>? HitsIn(SyntaxTree tree, TextSpan span)
    {
        if (!_hits.TryGetValue(tree, out int[]? hits))
        {
            return null;
        }

        int first = FirstAtOrAfter(hits, span.Start);
        int end = FirstAtOrAfter(hits, span.End);
        return new ArraySegment<int>(hits, first, end - first);
    }

    /// <summary>Whether an indexed name starts inside the span; a tree the index does not know is interesting.</summary>
    private bool MayBeInteresting(SyntaxTree tree, TextSpan span)
    {
        if (!_hits.TryGetValue(tree, out int[]? hits))
        {
            return true;
        }

        int first = FirstAtOrAfter(hits, span.Start);
        return first < hits.Length && hits[first] < span.End;
    }

    private static int FirstAtOrAfter(int[] sorted, int position)
    {
        int low = 0, high = sorted.Length;
        while (low < high)
        {
            int middle = low + ((high - low) / 2);
            if (sorted[middle] < position)
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }

        return low;
    }

    /// <summary>Whole-word occurrences of <paramref name="name"/> that are identifier tokens; with
    /// <paramref name="wrappers"/>, also the names of the wrappers whose body is a call of it.</summary>
    private static void FindWord(SyntaxTree tree, string text, string name, List<int> hits, HashSet<string>? wrappers)
    {
        SyntaxNode? root = null;
        for (int at = text.IndexOf(name, StringComparison.Ordinal); at >= 0; at = text.IndexOf(name, at + name.Length, StringComparison.Ordinal))
        {
            int end = at + name.Length;
            if ((at > 0 && IsIdentifierPart(text[at - 1])) || (end < text.Length && IsIdentifierPart(text[end])))
            {
                continue;
            }

            SyntaxToken token = (root ??= tree.GetRoot()).FindToken(at);
            if (token.IsKind(SyntaxKind.IdentifierToken) && token.Span.End == end && token.ValueText == name)
            {
                // token.SpanStart is at, or one before it for a verbatim identifier (@log).
                hits.Add(token.SpanStart);
                if (wrappers is not null && WrapperAround(token) is { } wrapper)
                {
                    wrappers.Add(wrapper);
                }
            }
        }
    }

    private static bool IsIdentifierPart(char c) => c == '_' || char.IsLetterOrDigit(c);

    /// <summary>Where "softmax" starts, in any case (<c>Softmax</c>, <c>SoftMax</c>, <c>SOFTMAX</c>, <c>ImplSoftmax</c>): one
    /// vectorized pass for the letter x, each checked for the six letters before it.</summary>
    private static List<int> SoftmaxOccurrences(string text)
    {
        var starts = new List<int>();
        for (int from = 6, found; from < text.Length && (found = text.AsSpan(from).IndexOfAny('x', 'X')) >= 0; from += found + 1)
        {
            int at = from + found - 6;
            ReadOnlySpan<char> six = text.AsSpan(at, 6);
            if ((six[0] | 0x20) == 's' && (six[1] | 0x20) == 'o' && (six[2] | 0x20) == 'f' && (six[3] | 0x20) == 't'
                && (six[4] | 0x20) == 'm' && (six[5] | 0x20) == 'a')
            {
                starts.Add(at);
            }
        }

        return starts;
    }

    /// <summary>The name of the one-parameter method whose whole body returns the call the token names, or a call of
    /// it (<c>static double Sigma(double x) =&gt; Math.Exp(x);</c>, <c>{ return (float)Exp(x); }</c>,
    /// <c>Bound(Math.Exp(x))</c>), or null.</summary>
    private static string? WrapperAround(SyntaxToken token)
    {
        if (token.Parent is not SimpleNameSyntax name)
        {
            return null;
        }

        SyntaxNode callee = name.Parent is MemberAccessExpressionSyntax access && access.Name == name ? access : name;
        if (callee.Parent is not InvocationExpressionSyntax invocation || invocation.Expression != callee)
        {
            return null;
        }

        // The wrapper shape is NumericFunctions': the whole body returns the call, or a clamp of it (Bound(Math.Exp(x)),
        // Math.Min(Math.Exp(x), 1e20)).
        MethodDeclarationSyntax? method = invocation.FirstAncestorOrSelf<MethodDeclarationSyntax>();
        if (method is not { ParameterList.Parameters.Count: 1 } || NumericFunctions.WrapperReturn(method) is not { } returned)
        {
            return null;
        }

        return returned == invocation || (returned is InvocationExpressionSyntax clamp && NumericFunctions.IsArgumentOf(clamp, invocation))
            ? method.Identifier.ValueText
            : null;
    }
}
