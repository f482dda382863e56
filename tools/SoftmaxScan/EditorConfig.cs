using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace SoftmaxScan;

/// <summary>The repository's .editorconfig files as analyzer options, as the compiler hands them to analyzers.</summary>
internal sealed class EditorConfig : AnalyzerConfigOptionsProvider
{
    private readonly AnalyzerConfigSet? _set;
    private readonly Dictionary<string, AnalyzerConfigOptions> _cache = new(StringComparer.Ordinal);

    private EditorConfig(AnalyzerConfigSet? set) => _set = set;

    public override AnalyzerConfigOptions GlobalOptions => Options.Empty;

    public static EditorConfig For(string root, IEnumerable<SyntaxTree> trees)
    {
        var configs = new List<AnalyzerConfig>();
        foreach (string file in Directory.EnumerateFiles(root, ".editorconfig", SearchOption.AllDirectories))
        {
            try
            {
                configs.Add(AnalyzerConfig.Parse(File.ReadAllText(file), file));
            }
            catch (IOException)
            {
                // Unreadable: skipped.
            }
        }

        return new EditorConfig(configs.Count == 0 ? null : AnalyzerConfigSet.Create(configs));
    }

    public override AnalyzerConfigOptions GetOptions(SyntaxTree tree)
    {
        if (_set is null || string.IsNullOrEmpty(tree.FilePath))
        {
            return Options.Empty;
        }

        lock (_cache)
        {
            if (!_cache.TryGetValue(tree.FilePath, out AnalyzerConfigOptions? options))
            {
                options = new Options(_set.GetOptionsForSourcePath(tree.FilePath).AnalyzerOptions);
                _cache[tree.FilePath] = options;
            }

            return options;
        }
    }

    public override AnalyzerConfigOptions GetOptions(AdditionalText textFile) => Options.Empty;

    private sealed class Options : AnalyzerConfigOptions
    {
        public static readonly Options Empty = new(ImmutableDictionary<string, string>.Empty);

        private readonly ImmutableDictionary<string, string> _values;

        public Options(ImmutableDictionary<string, string> values) => _values = values;

        public override bool TryGetValue(string key, [NotNullWhen(true)] out string? value) => _values.TryGetValue(key, out value);
    }
}
