using System;
using System.Diagnostics;
using System.Linq;

// In-process A/B of the generated kernels of two builds (Before, After; copy-generated.sh): every round times a
// ~0.3 ms batch of each side in random order; prints the median of the per-round ratios After / Before and its IQR.
static class Program
{
    delegate void RowF(ReadOnlySpan<float> x, Span<float> y);
    delegate void RowD(ReadOnlySpan<double> x, Span<double> y);

    static void Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "placement")
        {
            Placement();
            return;
        }

        int rounds = args.Length > 0 ? int.Parse(args[0]) : 200;
        string only = args.Length > 1 ? args[1] : "";
        var rng = new Random(1);
        var cases = new (string Name, int N, Action<int> A, Action<int> B)[]
        {
            F(10, Before.K10.Softmax, After.K10.Softmax), F(16, Before.K16.Softmax, After.K16.Softmax),
            F(64, Before.K64.Softmax, After.K64.Softmax), F(256, Before.K256.Softmax, After.K256.Softmax),
            F(1024, Before.K1024.Softmax, After.K1024.Softmax), F(4096, Before.K4096.Softmax, After.K4096.Softmax),
            F(65536, Before.K65536.Softmax, After.K65536.Softmax),
            D(10, Before.K10.Softmax, After.K10.Softmax), D(16, Before.K16.Softmax, After.K16.Softmax),
            D(64, Before.K64.Softmax, After.K64.Softmax), D(256, Before.K256.Softmax, After.K256.Softmax),
            D(1024, Before.K1024.Softmax, After.K1024.Softmax), D(4096, Before.K4096.Softmax, After.K4096.Softmax),
            D(65536, Before.K65536.Softmax, After.K65536.Softmax),
            F(10, Before.K10.Accurate, After.K10.Accurate, "float Accurate"), F(1024, Before.K1024.Accurate, After.K1024.Accurate, "float Accurate"),
            F(65536, Before.K65536.Accurate, After.K65536.Accurate, "float Accurate"),
            D(10, Before.K10.Accurate, After.K10.Accurate, "double Accurate"), D(1024, Before.K1024.Accurate, After.K1024.Accurate, "double Accurate"),
            D(65536, Before.K65536.Accurate, After.K65536.Accurate, "double Accurate"),
        };
        Console.WriteLine($"In-process A/B, {rounds} rounds, load {System.IO.File.ReadAllText("/proc/loadavg").Trim()}, Vector512 accelerated: {System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated}");
        Console.WriteLine("| type | N | before ns | after ns | after / before (median of rounds) | IQR |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|");
        foreach (var c in cases.Where(c => c.Name.Contains(only)))
        {
            int reps = Math.Max(1, 300_000 / (c.N * 2 + 30));
            for (int w = 0; w < 20; w++) { c.A(reps); c.B(reps); }
            var ratios = new double[rounds]; var ta = new double[rounds]; var tb = new double[rounds];
            for (int r = 0; r < rounds; r++)
            {
                bool first = rng.Next(2) == 0;
                double a, b;
                if (first) { a = Time(c.A, reps); b = Time(c.B, reps); } else { b = Time(c.B, reps); a = Time(c.A, reps); }
                ta[r] = a / reps; tb[r] = b / reps; ratios[r] = b / a;
            }
            Array.Sort(ratios); Array.Sort(ta); Array.Sort(tb);
            Console.WriteLine($"| {c.Name} | {c.N} | {ta[rounds / 2]:0.0} | {tb[rounds / 2]:0.0} | **{ratios[rounds / 2]:0.00}** | {ratios[rounds / 4]:0.00}-{ratios[3 * rounds / 4]:0.00} |");
        }
    }

    /// <summary>
    /// Softmax of N = 4096 with the input aligned to a 64-byte line and the output placed 0 ... 56 bytes after one (in
    /// one buffer, a vector's worth of elements past the input): the best of 15 alternating batches of each build.
    /// </summary>
    static unsafe void Placement()
    {
        const int n = 4096;
        var fbuf = new float[(3 * n) + 64];
        var dbuf = new double[(3 * n) + 64];
        var rng = new Random(1);
        for (int i = 0; i < fbuf.Length; i++) { fbuf[i] = (float)(rng.NextDouble() * 20 - 10); }
        for (int i = 0; i < dbuf.Length; i++) { dbuf[i] = rng.NextDouble() * 20 - 10; }
        int fx, dx;
        fixed (float* p = fbuf) { fx = (int)((64 - ((long)p & 63)) & 63) / sizeof(float); }
        fixed (double* p = dbuf) { dx = (int)((64 - ((long)p & 63)) & 63) / sizeof(double); }
        Console.WriteLine($"Output placement, N = {n}, input on a 64-byte line, load {System.IO.File.ReadAllText("/proc/loadavg").Trim()}, Vector512 accelerated: {System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated}");
        Console.WriteLine("| output bytes past a line | float before ns | float after ns | after / before | double before ns | double after ns | after / before |");
        Console.WriteLine("|---:|---:|---:|---:|---:|---:|---:|");
        for (int bytes = 0; bytes < 64; bytes += 8)
        {
            int fy = fx + n + 16 + (bytes / sizeof(float)), dy = dx + n + 8 + (bytes / sizeof(double));
            double fb = double.MaxValue, fa = double.MaxValue, db = double.MaxValue, da = double.MaxValue;
            for (int round = 0; round < 15; round++)
            {
                fb = Math.Min(fb, Time(r => { for (int i = 0; i < r; i++) Before.K4096.Softmax(fbuf.AsSpan(fx, n), fbuf.AsSpan(fy, n)); }, 500) / 500);
                fa = Math.Min(fa, Time(r => { for (int i = 0; i < r; i++) After.K4096.Softmax(fbuf.AsSpan(fx, n), fbuf.AsSpan(fy, n)); }, 500) / 500);
                db = Math.Min(db, Time(r => { for (int i = 0; i < r; i++) Before.K4096.Softmax(dbuf.AsSpan(dx, n), dbuf.AsSpan(dy, n)); }, 500) / 500);
                da = Math.Min(da, Time(r => { for (int i = 0; i < r; i++) After.K4096.Softmax(dbuf.AsSpan(dx, n), dbuf.AsSpan(dy, n)); }, 500) / 500);
            }

            Console.WriteLine($"| {bytes} | {fb:0} | {fa:0} | **{fa / fb:0.00}** | {db:0} | {da:0} | **{da / db:0.00}** |");
        }
    }

    static double Time(Action<int> f, int reps)
    {
        long t0 = Stopwatch.GetTimestamp();
        f(reps);
        return Stopwatch.GetElapsedTime(t0).TotalNanoseconds;
    }

    static (string, int, Action<int>, Action<int>) F(int n, RowF before, RowF after, string name = "float")
    {
        var x = new float[n]; var y = new float[n]; var rng = new Random(n);
        for (int i = 0; i < n; i++) x[i] = (float)(rng.NextDouble() * 20 - 10);
        return (name, n, reps => { for (int i = 0; i < reps; i++) before(x, y); }, reps => { for (int i = 0; i < reps; i++) after(x, y); });
    }

    static (string, int, Action<int>, Action<int>) D(int n, RowD before, RowD after, string name = "double")
    {
        var x = new double[n]; var y = new double[n]; var rng = new Random(n);
        for (int i = 0; i < n; i++) x[i] = rng.NextDouble() * 20 - 10;
        return (name, n, reps => { for (int i = 0; i < reps; i++) before(x, y); }, reps => { for (int i = 0; i < reps; i++) after(x, y); });
    }
}
