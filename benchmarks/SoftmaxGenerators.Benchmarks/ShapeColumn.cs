using System;
using System.Globalization;
using System.Reflection;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace SoftmaxGenerators.Benchmarks;

/// <summary>
/// Columns read from the static ElementType, RowLength and Rows properties of a benchmark class: the element type,
/// the row length N, the rows per call, and the mean time per row and per element.
/// </summary>
public sealed class ShapeColumn : IColumn
{
    public static readonly ShapeColumn Element = new("Elem", "Element type of the row", Kind.Element);
    public static readonly ShapeColumn Length = new("N", "Values per row", Kind.Length);
    public static readonly ShapeColumn RowCount = new("Rows", "Rows per call", Kind.Rows);
    public static readonly ShapeColumn NsPerRow = new("ns/row", "Mean time per row, in nanoseconds", Kind.NsPerRow);
    public static readonly ShapeColumn NsPerElement = new("ns/elem", "Mean time per element, in nanoseconds", Kind.NsPerElement);

    public static readonly IColumn[] All = { Element, Length, RowCount, NsPerRow, NsPerElement };

    private readonly Kind _kind;

    private ShapeColumn(string name, string legend, Kind kind)
    {
        ColumnName = name;
        Legend = legend;
        _kind = kind;
    }

    public enum Kind
    {
        Element,
        Length,
        Rows,
        NsPerRow,
        NsPerElement,
    }

    public string Id => nameof(ShapeColumn) + "." + ColumnName;

    public string ColumnName { get; }

    public bool AlwaysShow => true;

    public ColumnCategory Category => _kind is Kind.NsPerRow or Kind.NsPerElement ? ColumnCategory.Custom : ColumnCategory.Job;

    public int PriorityInCategory => (int)_kind;

    public bool IsNumeric => _kind != Kind.Element;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend { get; }

    public bool IsAvailable(Summary summary) => true;

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, summary.Style);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        Type type = benchmarkCase.Descriptor.Type;
        string element = (string)Read(type, "ElementType");
        int length = (int)Read(type, "RowLength");
        int rows = (int)Read(type, "Rows");
        switch (_kind)
        {
            case Kind.Element:
                return element;
            case Kind.Length:
                return length.ToString(CultureInfo.InvariantCulture);
            case Kind.Rows:
                return rows.ToString(CultureInfo.InvariantCulture);
        }

        BenchmarkReport? report = summary[benchmarkCase];
        if (report?.ResultStatistics is not { } statistics)
        {
            return "NA";
        }

        double perRow = statistics.Mean / rows;
        double value = _kind == Kind.NsPerRow ? perRow : perRow / length;
        return value.ToString(value < 10 ? "0.000" : value < 1000 ? "0.00" : "0.0", CultureInfo.InvariantCulture);
    }

    private static object Read(Type type, string name) =>
        type.GetProperty(name, BindingFlags.Public | BindingFlags.Static)?.GetValue(null)
        ?? throw new InvalidOperationException($"{type} has no public static {name} property.");

    public override string ToString() => ColumnName;
}
