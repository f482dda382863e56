using System.Diagnostics;

namespace SoftmaxScan;

/// <summary>One labelled method of the corpus (tools/corpus/labels/*.tsv).</summary>
internal sealed record Label(string Repo, string Commit, string Path, int Start, int End, string Member, string Verdict, string Rule, string Note, string Source);

/// <summary>A person's judgement of one diagnostic raised anywhere in the corpus (tools/corpus/judgements.tsv).</summary>
internal sealed record Judgement(string Repo, string Path, int Line, string Rule, bool Real, string Note);

/// <summary>Reads the corpus files and materializes repositories from fetched snapshots.</summary>
internal static class Corpus
{
    public static readonly string[] Verdicts =
    {
        "naive-softmax", "naive-logsumexp", "naive-softplus", "log-of-softmax", "naive-logistic", "tensor-softmax", "stable", "bounded", "lookalike",
    };

    public static readonly string[] Rules = { "SMX0001", "SMX0002", "SMX0003", "SMX0004", "SMX0006", "none" };

    public static List<Label> ReadLabels(string directory)
    {
        var labels = new List<Label>();
        string labelDirectory = System.IO.Path.Combine(directory, "labels");
        if (!Directory.Exists(labelDirectory))
        {
            return labels;
        }

        foreach (string file in Directory.GetFiles(labelDirectory, "*.tsv").OrderBy(f => f, StringComparer.Ordinal))
        {
            int lineNumber = 0;
            foreach (string line in File.ReadLines(file))
            {
                lineNumber++;
                if (lineNumber == 1 || string.IsNullOrWhiteSpace(line) || line.StartsWith('#'))
                {
                    continue;
                }

                string[] parts = line.Split('\t');
                if (parts.Length < 8 || !int.TryParse(parts[3], out int start) || !int.TryParse(parts[4], out int end)
                    || !Verdicts.Contains(parts[6]) || !Rules.Contains(parts[7]))
                {
                    throw new FormatException($"{file}:{lineNumber}: expected repo, commit, path, start, end, member, verdict ({string.Join("|", Verdicts)}), rule ({string.Join("|", Rules)}), note");
                }

                labels.Add(new Label(parts[0], parts[1], parts[2], start, end, parts[5], parts[6], parts[7], parts.Length > 8 ? parts[8] : "", System.IO.Path.GetFileName(file)));
            }
        }

        return labels;
    }

    public static List<Judgement> ReadJudgements(string file)
    {
        var judgements = new List<Judgement>();
        if (!File.Exists(file))
        {
            return judgements;
        }

        int lineNumber = 0;
        foreach (string line in File.ReadLines(file))
        {
            lineNumber++;
            if (lineNumber == 1 || string.IsNullOrWhiteSpace(line) || line.StartsWith('#'))
            {
                continue;
            }

            string[] parts = line.Split('\t');
            if (parts.Length < 5 || !int.TryParse(parts[2], out int number) || parts[4] is not ("true" or "false"))
            {
                throw new FormatException($"{file}:{lineNumber}: expected repo, path, line, rule, true|false, note");
            }

            judgements.Add(new Judgement(parts[0], parts[1], number, parts[3], parts[4] == "true", parts.Length > 5 ? parts[5] : ""));
        }

        return judgements;
    }

    /// <summary>The repositories and commits the labels name.</summary>
    public static List<(string Repo, string Commit)> Repositories(List<Label> labels) =>
        labels.Select(l => (l.Repo, l.Commit)).Distinct().OrderBy(r => r.Repo, StringComparer.Ordinal).ToList();

    public static string Folder(string corpus, string repo) => System.IO.Path.Combine(corpus, repo.Replace('/', '+'));

    /// <summary>Extracts each labelled commit from its fetched snapshot (a bare git directory under the mirror root).</summary>
    public static int Materialize(List<(string Repo, string Commit)> repositories, string mirror, string corpus, TextWriter log)
    {
        int missing = 0;
        Directory.CreateDirectory(corpus);
        foreach ((string repo, string commit) in repositories)
        {
            string target = Folder(corpus, repo);
            string stamp = System.IO.Path.Combine(target, ".smx-commit");
            if (File.Exists(stamp) && File.ReadAllText(stamp).Trim() == commit)
            {
                continue;
            }

            string? gitDirectory = FindGitDirectory(System.IO.Path.Combine(mirror, repo.Replace('/', '+')));
            if (gitDirectory is null)
            {
                log.WriteLine($"{repo}: no snapshot under {mirror}; run the fetch tool with github:{repo}, then materialize again");
                missing++;
                continue;
            }

            if (Directory.Exists(target))
            {
                Directory.Delete(target, recursive: true);
            }

            Directory.CreateDirectory(target);
            (int written, int absent, string? error) = ExtractSources(gitDirectory, commit, target);
            if (error is not null)
            {
                log.WriteLine($"{repo}: {commit} could not be read: {error}");
                missing++;
                continue;
            }

            File.WriteAllText(stamp, commit);
            log.WriteLine($"{repo}: {commit[..12]} -> {target} ({written} files" + (absent > 0 ? $", {absent} absent from the snapshot)" : ")"));
        }

        return missing;
    }

    private static readonly string[] SourceExtensions = { ".cs", ".csproj", ".props", ".targets", ".editorconfig", ".globalconfig", ".config", ".asmdef", ".sln", ".json" };

    /// <summary>Writes the commit's source and project files (not binaries, which snapshots may lack) under the target.</summary>
    private static (int Written, int Absent, string? Error) ExtractSources(string gitDirectory, string commit, string target)
    {
        var list = new ProcessStartInfo("git", new[] { "--git-dir", gitDirectory, "ls-tree", "-r", "-z", "--full-tree", commit })
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var entries = new List<(string Sha, string Path)>();
        using (Process process = Process.Start(list)!)
        {
            string output = process.StandardOutput.ReadToEnd();
            string error = process.StandardError.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0)
            {
                return (0, 0, error.Trim());
            }

            foreach (string entry in output.Split('\0', StringSplitOptions.RemoveEmptyEntries))
            {
                int tab = entry.IndexOf('\t');
                string[] meta = entry[..tab].Split(' ');
                string path = entry[(tab + 1)..];
                string name = System.IO.Path.GetFileName(path);
                if (meta[1] == "blob" && (SourceExtensions.Contains(System.IO.Path.GetExtension(path), StringComparer.OrdinalIgnoreCase) || name == "packages.config")
                    && !path.Split('/').Any(part => part is "bin" or "obj"))
                {
                    entries.Add((meta[2], path));
                }
            }
        }

        int written = 0, absent = 0;
        var batch = new ProcessStartInfo("git", new[] { "--git-dir", gitDirectory, "cat-file", "--batch" })
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
        };
        using Process reader = Process.Start(batch)!;
        Stream output2 = reader.StandardOutput.BaseStream;
        foreach ((string sha, string path) in entries)
        {
            reader.StandardInput.WriteLine(sha);
            reader.StandardInput.Flush();
            string header = ReadLine(output2);
            string[] parts = header.Split(' ');
            if (parts.Length < 3 || parts[1] != "blob")
            {
                absent++;
                continue;
            }

            int size = int.Parse(parts[2], System.Globalization.CultureInfo.InvariantCulture);
            byte[] content = new byte[size];
            int read = 0;
            while (read < size)
            {
                int n = output2.Read(content, read, size - read);
                if (n <= 0)
                {
                    break;
                }

                read += n;
            }

            output2.ReadByte(); // the newline after the content
            string file = System.IO.Path.Combine(target, path.Replace('/', System.IO.Path.DirectorySeparatorChar));
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(file)!);
            File.WriteAllBytes(file, content);
            written++;
        }

        reader.StandardInput.Close();
        reader.WaitForExit();
        return (written, absent, null);
    }

    private static string ReadLine(Stream stream)
    {
        var bytes = new List<byte>();
        int b;
        while ((b = stream.ReadByte()) >= 0 && b != '\n')
        {
            bytes.Add((byte)b);
        }

        return System.Text.Encoding.UTF8.GetString(bytes.ToArray());
    }

    private static string? FindGitDirectory(string root)
    {
        if (!Directory.Exists(root))
        {
            return null;
        }

        foreach (string candidate in new[] { System.IO.Path.Combine(root, "repo", ".git"), System.IO.Path.Combine(root, "repo"), root })
        {
            if (File.Exists(System.IO.Path.Combine(candidate, "HEAD")) && Directory.Exists(System.IO.Path.Combine(candidate, "objects")))
            {
                return candidate;
            }
        }

        return Directory.EnumerateDirectories(root, "*", SearchOption.AllDirectories)
            .FirstOrDefault(d => File.Exists(System.IO.Path.Combine(d, "HEAD")) && Directory.Exists(System.IO.Path.Combine(d, "objects")));
    }
}
