using System;

/// <summary>
/// A deterministic, digits-like data set made on the spot: the ten digits drawn as seven-segment glyphs on an 8x8
/// grid, with uneven ink, background noise and one pixel in twenty flipped.
/// Everything comes from one seeded <see cref="Random"/>: no files, no downloads, the same images on every run.
/// </summary>
internal sealed class SyntheticDigits
{
    public const int Side = 8;
    public const int Pixels = Side * Side;
    public const int Classes = 10;

    // Segments a-g as bits 0-6 (a top, b upper right, c lower right, d bottom, e lower left, f upper left, g middle).
    private static readonly int[] s_segments = { 0x3F, 0x06, 0x5B, 0x4F, 0x66, 0x6D, 0x7D, 0x07, 0x7F, 0x6F };

    private SyntheticDigits(float[] images, int[] labels)
    {
        Images = images;
        Labels = labels;
    }

    /// <summary>Row-major images, <see cref="Pixels"/> values each, about 0 (paper) to 1 (ink).</summary>
    public float[] Images { get; }

    public int[] Labels { get; }

    public int Count => Labels.Length;

    public ReadOnlySpan<float> Image(int index) => Images.AsSpan(index * Pixels, Pixels);

    /// <summary><paramref name="count"/> images, cycling through the digits, drawn with <paramref name="random"/>.</summary>
    public static SyntheticDigits Generate(int count, Random random)
    {
        var images = new float[count * Pixels];
        var labels = new int[count];
        for (int n = 0; n < count; n++)
        {
            int digit = n % Classes;
            labels[n] = digit;
            Span<float> image = images.AsSpan(n * Pixels, Pixels);
            for (int y = 0; y < Side; y++)
            {
                for (int x = 0; x < Side; x++)
                {
                    bool ink = Ink(digit, x, y);
                    if (random.NextDouble() < 0.05)
                    {
                        ink = !ink; // a flipped pixel
                    }

                    float value = ink ? 0.6f + (0.4f * (float)random.NextDouble()) : 0.25f * (float)random.NextDouble();
                    image[(y * Side) + x] = value;
                }
            }
        }

        return new SyntheticDigits(images, labels);
    }

    /// <summary>Whether pixel (x, y) of the glyph of <paramref name="digit"/> is ink: columns 1-6, rows 0-7, middle bar at row 3.</summary>
    private static bool Ink(int digit, int x, int y)
    {
        int s = s_segments[digit];
        bool On(int bit) => (s & (1 << bit)) != 0;
        bool across = x >= 1 && x <= 6;
        return (On(0) && y == 0 && across)
            || (On(6) && y == 3 && across)
            || (On(3) && y == 7 && across)
            || (On(1) && x == 6 && y <= 3)
            || (On(2) && x == 6 && y >= 3)
            || (On(5) && x == 1 && y <= 3)
            || (On(4) && x == 1 && y >= 3);
    }

    /// <summary>Draws images side by side in text, darker characters for more ink.</summary>
    public string Draw(params int[] indices)
    {
        var text = new System.Text.StringBuilder();
        for (int y = 0; y < Side; y++)
        {
            text.Append("  ");
            foreach (int index in indices)
            {
                for (int x = 0; x < Side; x++)
                {
                    float value = Images[(index * Pixels) + (y * Side) + x];
                    text.Append(value < 0.3f ? '.' : value < 0.7f ? '+' : '#');
                }

                text.Append("   ");
            }

            text.AppendLine();
        }

        return text.ToString();
    }
}
