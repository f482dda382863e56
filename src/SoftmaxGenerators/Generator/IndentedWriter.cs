using System.Text;

namespace SoftmaxGenerators.Generator;

/// <summary>A minimal indented text writer for generated code (four spaces, '\n' line endings).</summary>
internal sealed class IndentedWriter
{
    private readonly StringBuilder _builder = new();
    private int _indent;

    public IndentedWriter Line(string text = "")
    {
        if (text.Length > 0)
        {
            _builder.Append(' ', _indent * 4);
            _builder.Append(text);
        }

        _builder.Append('\n');
        return this;
    }

    /// <summary>Writes <paramref name="header"/> and '{', and indents until <see cref="Close"/>.</summary>
    public IndentedWriter Open(string header)
    {
        Line(header);
        Line("{");
        _indent++;
        return this;
    }

    /// <summary>Writes '{' after a header already written (a loop's), and indents until <see cref="Close"/>.</summary>
    public IndentedWriter OpenBrace()
    {
        Line("{");
        _indent++;
        return this;
    }

    public IndentedWriter Close(string suffix = "")
    {
        _indent--;
        return Line("}" + suffix);
    }

    public override string ToString() => _builder.ToString();
}
