using System;
using System.Globalization;
using System.Linq;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Exporters;
using BenchmarkDotNet.Exporters.Csv;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Order;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Perfolizer.Horology;

namespace SoftmaxGenerators.Benchmarks;

/// <summary>
/// <c>-- --quick</c>: every benchmark (unless --filter says otherwise) in process, with a short job, in a few minutes.
/// <c>-- --interleaved [--rounds R] [--only TEXT]</c>: the A/B timer of <see cref="Interleaved"/> (<c>--only twopass</c>:
/// the two-pass prototype on long rows, <see cref="TwoPassPairs"/>; <c>--native</c>: generated vs the C kernels of
/// benchmarks/native vs TensorPrimitives, <see cref="NativeReference"/>).
/// <c>-- --twopass-accuracy</c>: the two-pass prototype's error against a double reference.
/// Anything else goes to BenchmarkSwitcher with the default job, e.g. <c>-- --filter '*'</c>.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        if (args.Contains("--twopass-accuracy"))
        {
            return TwoPassPairs.Accuracy();
        }

        if (args.Contains("--interleaved"))
        {
            return Interleaved.Run(args);
        }

        bool quick = args.Contains("--quick");
        args = args.Where(a => a != "--quick").ToArray();

        // Plain numbers in nanoseconds in the CSV, for benchmarks/report.py.
        var csvStyle = new SummaryStyle(
            CultureInfo.InvariantCulture, printUnitsInHeader: true, sizeUnit: null, timeUnit: TimeUnit.Nanosecond,
            printUnitsInContent: false);

        // The default configuration, less its exporters: a GitHub markdown table and the CSV above.
        IConfig defaults = DefaultConfig.Instance;
        ManualConfig config = ManualConfig.CreateEmpty()
            .AddLogger(defaults.GetLoggers().ToArray())
            .AddColumnProvider(defaults.GetColumnProviders().ToArray())
            .AddAnalyser(defaults.GetAnalysers().ToArray())
            .AddValidator(defaults.GetValidators().ToArray())
            .AddColumn(ShapeColumn.All)
            .AddExporter(MarkdownExporter.GitHub, new CsvExporter(CsvSeparator.Comma, csvStyle))
            .WithOrderer(new DefaultOrderer(SummaryOrderPolicy.Declared))
            .WithOptions(ConfigOptions.DisableLogFile);

        if (quick)
        {
            config = config.AddJob(Job.Default
                .WithId("Quick")
                .WithToolchain(InProcessEmitToolchain.Instance)
                .WithLaunchCount(1)
                .WithWarmupCount(6)
                .WithIterationCount(7)
                .WithIterationTime(TimeInterval.FromMilliseconds(100)));
            if (!args.Contains("--filter"))
            {
                args = args.Concat(new[] { "--filter", "*" }).ToArray();
            }
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, config);
        return 0;
    }
}
