using System.Collections.Immutable;
using System.Diagnostics;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using SoftmaxScan;

// SoftmaxScan: the numerics analyzers on real repositories. Commands:
//   materialize [--labels DIR] [--mirror DIR] [--out DIR]
//   scan DIR [--analyzers DIR] [--tsv FILE]
//   score [--labels DIR] [--corpus DIR] [--judgements FILE] [--no-fixes] [--repo OWNER/NAME]
//   cost DIR [--repeat N] [--warmup N]
//   kernels [--labels DIR] [--corpus DIR] [--repo OWNER/NAME]
string repositoryRoot = FindRepositoryRoot();
var arguments = args.ToList();
string Option(string name, string fallback)
{
    int index = arguments.IndexOf(name);
    if (index < 0 || index + 1 >= arguments.Count)
    {
        return fallback;
    }

    string value = arguments[index + 1];
    arguments.RemoveRange(index, 2);
    return value;
}

bool Flag(string name) => arguments.Remove(name);

if (arguments.Count == 0)
{
    Console.Error.WriteLine("usage: SoftmaxScan materialize|scan DIR|score|cost DIR [options]; see tools/SoftmaxScan/README.md");
    return 2;
}

string command = arguments[0];
arguments.RemoveAt(0);
string labelsDirectory = Path.GetFullPath(Option("--labels", Path.Combine(repositoryRoot, "tools", "corpus")));
string corpusDirectory = Path.GetFullPath(Option("--corpus", Option("--out", Path.Combine(repositoryRoot, "artifacts", "corpus"))));
string mirror = Path.GetFullPath(Option("--mirror", "/work/.mirror"));
string? analyzersDirectory = Option("--analyzers", "") is { Length: > 0 } a ? Path.GetFullPath(a) : null;
string tsv = Option("--tsv", "");
string judgementsFile = Option("--judgements", Path.Combine(labelsDirectory, "judgements.tsv"));
string onlyRepo = Option("--repo", "");
int repeat = int.Parse(Option("--repeat", "1"), System.Globalization.CultureInfo.InvariantCulture);
int warmup = int.Parse(Option("--warmup", "0"), System.Globalization.CultureInfo.InvariantCulture);
bool noFixes = Flag("--no-fixes");
var restorer = new PackageRestorer(Path.Combine(repositoryRoot, "artifacts", "scan-cache"), Console.Out);
var compilations = new Compilations(restorer, Console.Out);

switch (command)
{
    case "materialize":
    {
        List<Label> labels = Corpus.ReadLabels(labelsDirectory);
        int missing = Corpus.Materialize(Corpus.Repositories(labels), mirror, corpusDirectory, Console.Out);
        Console.WriteLine($"{Corpus.Repositories(labels).Count - missing} repositories in {corpusDirectory}, {missing} missing");
        return missing == 0 ? 0 : 1;
    }

    case "scan" when arguments.Count == 1:
    {
        string root = Path.GetFullPath(arguments[0]);
        ImmutableArray<DiagnosticAnalyzer> analyzers = Scanner.LoadAnalyzers(analyzersDirectory);
        var (findings, reports) = await ScanRepositoryAsync(Path.GetFileName(root), root, analyzers, countErrors: true);
        foreach (UnitReport report in reports)
        {
            Console.WriteLine($"# {report.Unit}: {report.Files} files, {report.Errors} errors ({report.Unresolved} unresolved names), {report.AnalyzerExceptions} analyzer exceptions");
        }

        foreach (Finding finding in findings)
        {
            Console.WriteLine($"{finding.Path}:{finding.Line}\t{finding.Id}\t{finding.Member}\t{finding.Expression}");
        }

        if (tsv.Length > 0)
        {
            File.WriteAllLines(tsv, new[] { "repo\tpath\tline\trule\tmember\texpression" }.Concat(findings.Select(f => $"{f.Repo}\t{f.Path}\t{f.Line}\t{f.Id}\t{f.Member}\t{f.Expression}")));
        }

        Console.WriteLine($"{findings.Count} diagnostics");
        return 0;
    }

    case "score":
        return await ScoreAsync();
    case "kernels":
    {
        // The generated-kernel suggestions and fixes on the corpus, as if the package were installed (KernelCheck.cs).
        var counts = new KernelCheck.Counts();
        foreach ((string repo, string _) in Corpus.Repositories(Corpus.ReadLabels(labelsDirectory)))
        {
            string root = Corpus.Folder(corpusDirectory, repo);
            if ((onlyRepo.Length > 0 && repo != onlyRepo) || !Directory.Exists(root))
            {
                continue;
            }

            Console.WriteLine(repo);
            await KernelCheck.RunAsync(repo, root, compilations.Build(root, SourceTree.Discover(root)), counts, Console.Out);
        }

        Console.WriteLine($"SMX0005 suggestions: {counts.ConstantSuggestions} constant length, {counts.RuntimeSuggestions} run-time length");
        Console.WriteLine($"SMX0004 calls: {counts.SoftMaxCalls}; kernel fix offered {counts.KernelOffered}, compiles with the generator {counts.KernelCompiles}");
        Console.WriteLine($"SMX0001 sites: {counts.NaiveSites}; fixed {counts.NaiveFixed}; then SMX0005 {counts.ChainSuggestions}, compiles with the generator {counts.ChainCompiles}");
        return 0;
    }
    case "cost" when arguments.Count == 1:
        return await CostAsync(Path.GetFullPath(arguments[0]));
    default:
        Console.Error.WriteLine($"unknown command or arguments: {command} {string.Join(' ', arguments)}");
        return 2;
}

async Task<(List<Finding> Findings, List<UnitReport> Reports)> ScanRepositoryAsync(string repo, string root, ImmutableArray<DiagnosticAnalyzer> analyzers, bool countErrors)
{
    var findings = new List<Finding>();
    var reports = new List<UnitReport>();
    List<ProjectUnit> units = SourceTree.Discover(root);
    foreach (BuiltUnit built in compilations.Build(root, units))
    {
        var (unitFindings, report) = await Scanner.ScanAsync(repo, root, built, analyzers, countErrors, Console.Out);
        findings.AddRange(unitFindings);
        reports.Add(report);
    }

    // A file in two projects (linked files) reports twice: keep one.
    findings = findings.GroupBy(f => (f.Path, f.Line, f.Id, f.Expression)).Select(g => g.First()).ToList();
    return (findings, reports);
}

async Task<int> ScoreAsync()
{
    List<Label> labels = Corpus.ReadLabels(labelsDirectory);
    List<Judgement> judgements = Corpus.ReadJudgements(judgementsFile);
    ImmutableArray<DiagnosticAnalyzer> analyzers = Scanner.LoadAnalyzers(analyzersDirectory);
    var allFindings = new List<Finding>();
    var allReports = new List<UnitReport>();
    var watch = Stopwatch.StartNew();
    foreach ((string repo, string _) in Corpus.Repositories(labels))
    {
        if (onlyRepo.Length > 0 && repo != onlyRepo)
        {
            continue;
        }

        string root = Corpus.Folder(corpusDirectory, repo);
        if (!Directory.Exists(root))
        {
            Console.WriteLine($"{repo}: not materialized (run materialize)");
            continue;
        }

        var (findings, reports) = await ScanRepositoryAsync(repo, root, analyzers, countErrors: true);
        allFindings.AddRange(findings);
        allReports.AddRange(reports);
        int errors = reports.Sum(r => r.Errors), unresolved = reports.Sum(r => r.Unresolved), files = reports.Sum(r => r.Files);
        Console.WriteLine($"{repo}: {reports.Count} compilations, {files} files, {errors} errors ({unresolved} unresolved names), {findings.Count} diagnostics");
    }

    var selected = labels.Where(l => onlyRepo.Length == 0 || l.Repo == onlyRepo).ToList();
    bool InRange(Finding f, Label l) => f.Repo == l.Repo && f.Path == l.Path && f.Line >= l.Start && f.Line <= l.End;
    bool IsNumericsRule(string id) => id is "SMX0001" or "SMX0002" or "SMX0003" or "SMX0004" or "SMX0006";
    var rows = new List<string> { "repo\tpath\tstart\tend\tmember\tverdict\trule\tresult\tfound\tfix" };
    int positives = 0, found = 0, negatives = 0, falseAlarms = 0;
    var byVerdict = new SortedDictionary<string, (int Total, int Good)>(StringComparer.Ordinal);
    var fixCounts = new SortedDictionary<string, int>(StringComparer.Ordinal);
    var misses = new List<string>();
    var alarms = new List<string>();
    var fixNotes = new List<string>();
    foreach (Label label in selected)
    {
        var inRange = allFindings.Where(f => InRange(f, label) && IsNumericsRule(f.Id)).ToList();
        string result;
        string fix = "";
        if (label.Rule == "none")
        {
            negatives++;
            bool alarm = inRange.Count > 0;
            falseAlarms += alarm ? 1 : 0;
            result = alarm ? "FALSE-ALARM" : "silent";
            if (alarm)
            {
                alarms.Add($"  {label.Repo} {label.Path}:{label.Start} {label.Member} [{label.Verdict}] <- {string.Join(", ", inRange.Select(f => f.Id + " " + f.Expression))}");
            }
        }
        else
        {
            positives++;
            var hits = inRange.Where(f => f.Id == label.Rule).ToList();
            result = hits.Count > 0 ? "found" : (inRange.Count > 0 ? "other-rule" : "MISSED");
            found += hits.Count > 0 ? 1 : 0;
            if (hits.Count == 0)
            {
                misses.Add($"  {label.Repo} {label.Path}:{label.Start}-{label.End} {label.Member} [{label.Verdict} {label.Rule}] {label.Note}" + (inRange.Count > 0 ? " (got " + string.Join(", ", inRange.Select(f => f.Id)) + ")" : ""));
            }
            else if (!noFixes)
            {
                var (outcome, detail) = await FixCheck.CheckAsync(hits[0], analyzers);
                fix = outcome.ToString();
                fixCounts[fix] = fixCounts.TryGetValue(fix, out int n) ? n + 1 : 1;
                if (outcome != FixOutcome.Correct)
                {
                    fixNotes.Add($"  {fix}: {label.Repo} {label.Path}:{hits[0].Line} {label.Member} {hits[0].Expression} ({detail})");
                }
            }
        }

        (int total, int good) = byVerdict.TryGetValue(label.Verdict, out var v) ? v : (0, 0);
        byVerdict[label.Verdict] = (total + 1, good + (result is "found" or "silent" ? 1 : 0));
        rows.Add($"{label.Repo}\t{label.Path}\t{label.Start}\t{label.End}\t{label.Member}\t{label.Verdict}\t{label.Rule}\t{result}\t{string.Join(",", inRange.Select(f => f.Id + "@" + f.Line))}\t{fix}");
    }

    // Whole-repository precision: every numerics diagnostic anywhere, judged by a person.
    var numerics = allFindings.Where(f => IsNumericsRule(f.Id)).ToList();
    int judgedReal = 0, judgedFalse = 0;
    var unjudged = new List<Finding>();
    foreach (Finding finding in numerics)
    {
        Judgement? judgement = judgements.FirstOrDefault(j => j.Repo == finding.Repo && j.Path == finding.Path && j.Line == finding.Line && j.Rule == finding.Id);
        if (judgement is null)
        {
            unjudged.Add(finding);
        }
        else if (judgement.Real)
        {
            judgedReal++;
        }
        else
        {
            judgedFalse++;
        }
    }

    Directory.CreateDirectory(Path.Combine(repositoryRoot, "artifacts"));
    string resultsFile = Path.Combine(repositoryRoot, "artifacts", "scan-results.tsv");
    File.WriteAllLines(resultsFile, rows);
    string findingsFile = Path.Combine(repositoryRoot, "artifacts", "scan-findings.tsv");
    File.WriteAllLines(findingsFile, new[] { "repo\tpath\tline\trule\tmember\texpression" }.Concat(numerics.Select(f => $"{f.Repo}\t{f.Path}\t{f.Line}\t{f.Id}\t{f.Member}\t{f.Expression}")));

    Console.WriteLine();
    Console.WriteLine("Missed (unstable code not flagged by its rule):");
    misses.ForEach(Console.WriteLine);
    Console.WriteLine("False alarms on labelled stable/bounded/look-alike code:");
    alarms.ForEach(Console.WriteLine);
    Console.WriteLine("Fixes not correct:");
    fixNotes.ForEach(Console.WriteLine);
    Console.WriteLine($"Unjudged diagnostics ({unjudged.Count}; add them to {Path.GetRelativePath(repositoryRoot, judgementsFile)}):");
    foreach (Finding f in unjudged)
    {
        Console.WriteLine($"  {f.Repo}\t{f.Path}\t{f.Line}\t{f.Id}\t{f.Member}: {f.Expression}");
    }

    Console.WriteLine();
    Console.WriteLine($"== Summary ({selected.Select(l => l.Repo).Distinct().Count()} repositories, {selected.Count} labels, {allReports.Count} compilations, {watch.Elapsed.TotalSeconds:F0} s)");
    Console.WriteLine($"recall: {found} of {positives} unstable methods flagged by their rule ({Percent(found, positives)})");
    Console.WriteLine($"false alarms on labelled negatives: {falseAlarms} of {negatives}");
    Console.WriteLine($"whole-repository precision: {judgedReal} real of {judgedReal + judgedFalse} judged ({Percent(judgedReal, judgedReal + judgedFalse)}); {unjudged.Count} unjudged of {numerics.Count}");
    foreach (var (verdict, (total, good)) in byVerdict)
    {
        Console.WriteLine($"  {verdict,-16} {good,4} of {total,4} right");
    }

    if (!noFixes)
    {
        int offered = fixCounts.Where(p => p.Key != nameof(FixOutcome.Declined)).Sum(p => p.Value);
        Console.WriteLine($"fixes on flagged labels: {offered} offered of {found}; " + string.Join(", ", fixCounts.Select(p => $"{p.Key} {p.Value}")));
    }

    Console.WriteLine($"analyzer exceptions: {allReports.Sum(r => r.AnalyzerExceptions)}");
    Console.WriteLine($"per-label results: {resultsFile}");
    return 0;
}

async Task<int> CostAsync(string root)
{
    ImmutableArray<DiagnosticAnalyzer> analyzers = Scanner.LoadAnalyzers(analyzersDirectory);
    List<BuiltUnit> units = compilations.Build(root, SourceTree.Discover(root));
    Console.WriteLine($"{units.Count} compilations, {units.Sum(u => u.Unit.Files.Count)} files");
    var binding = new List<double>();
    var analysis = new List<double>();
    var ratios = new List<double>();
    var perAnalyzer = new Dictionary<string, double>(StringComparer.Ordinal);
    for (int round = -warmup; round < repeat; round++)
    {
        double bind = 0, analyze = 0;
        foreach (BuiltUnit built in units)
        {
            CSharpCompilation fresh = CSharpCompilation.Create(built.Compilation.AssemblyName, built.Compilation.SyntaxTrees, built.Compilation.References, built.Compilation.Options);
            var watch = Stopwatch.StartNew();
            fresh.GetDiagnostics();
            bind += watch.Elapsed.TotalSeconds;

            CSharpCompilation second = CSharpCompilation.Create(built.Compilation.AssemblyName, built.Compilation.SyntaxTrees, built.Compilation.References, built.Compilation.Options);

            // Resolve the references first, as the compiler does before anything else: whichever code first asks for a
            // symbol of a fresh compilation pays for loading every referenced assembly, and that is the compiler's
            // cost (counted in the binding above), not the first rule's.
            _ = second.SourceModule.ReferencedAssemblySymbols;
            _ = second.ObjectType;
            var options = new CompilationWithAnalyzersOptions(built.Options, null, concurrentAnalysis: false, logAnalyzerExecutionTime: true);
            var withAnalyzers = new CompilationWithAnalyzers(second, analyzers, options);
            await withAnalyzers.GetAnalysisResultAsync(CancellationToken.None);
            foreach (DiagnosticAnalyzer analyzer in analyzers)
            {
                var telemetry = await withAnalyzers.GetAnalyzerTelemetryInfoAsync(analyzer, CancellationToken.None);
                analyze += telemetry.ExecutionTime.TotalSeconds;
                string name = analyzer.GetType().Name;
                if (round >= 0)
                {
                    perAnalyzer[name] = (perAnalyzer.TryGetValue(name, out double t) ? t : 0) + telemetry.ExecutionTime.TotalSeconds;
                }
            }
        }

        if (round < 0)
        {
            // Warm-up: the JIT compiles the compiler and the analyzers; not counted.
            Console.WriteLine($"warm-up: binding {bind:F2} s, analyzers {analyze:F3} s ({100 * analyze / bind:F2}% of binding)");
            continue;
        }

        binding.Add(bind);
        analysis.Add(analyze);
        ratios.Add(analyze / bind);
        Console.WriteLine($"round {round + 1}: binding {bind:F2} s, analyzers {analyze:F3} s ({100 * analyze / bind:F2}% of binding)");
    }

    foreach (var (name, seconds) in perAnalyzer.OrderByDescending(p => p.Value))
    {
        Console.WriteLine($"  {name,-40} {seconds / repeat:F3} s");
    }

    double medianBinding = binding.OrderBy(x => x).ElementAt(binding.Count / 2);
    double medianAnalysis = analysis.OrderBy(x => x).ElementAt(analysis.Count / 2);
    double medianRatio = ratios.OrderBy(x => x).ElementAt(ratios.Count / 2);
    Console.WriteLine($"median: binding {medianBinding:F2} s, analyzers {medianAnalysis:F3} s; median of the rounds' shares {100 * medianRatio:F2}% of binding ({Environment.ProcessorCount} cores)");
    return 0;
}

static string Percent(int part, int whole) => whole == 0 ? "n/a" : (100.0 * part / whole).ToString("F1", System.Globalization.CultureInfo.InvariantCulture) + "%";

static string FindRepositoryRoot()
{
    for (string? directory = AppContext.BaseDirectory; directory is not null; directory = Path.GetDirectoryName(directory))
    {
        if (File.Exists(Path.Combine(directory, "SoftmaxGenerators.sln")))
        {
            return directory;
        }
    }

    return Directory.GetCurrentDirectory();
}
