using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading;
using Xunit;
using Xunit.Abstractions;

namespace SoftmaxGenerators.Package.Tests;

/// <summary>
/// The package in an editor: csharp-ls 0.28.0 (a Roslyn language server, installed as a dotnet tool), driven over LSP
/// as an editor would drive it, opens a consumer project and reports SMX0001 on the naive softmax the file holds.
/// csharp-ls runs analyzers only when its <c>csharp.analyzersEnabled</c> setting is on (answered here through
/// <c>workspace/configuration</c>), and offers code actions only from Roslyn's own fix and refactoring providers for
/// compiler diagnostics (its CodeAction handler), so the package's quick fix is not reachable through it; the end-to-end
/// check of the fixes stays <c>dotnet format analyzers</c> (PackageTests).
/// </summary>
[Collection(PackageCollection.Name)]
public class EditorTests(PackageFixture package, ITestOutputHelper log)
{
    /// <summary>The naive code the package tests build (a Program with a naive softmax, LINQ softmax and log-sum-exp).</summary>
    private static readonly string Naive = PackageTests.NaiveCode;

    [Fact]
    public void A_language_server_shows_SMX0001_in_the_open_file()
    {
        string tools = Path.Combine(package.Root, "tools");
        Dotnet.Run(package.Root, "tool", "install", "csharp-ls", "--version", "0.28.0", "--tool-path", tools).AssertSuccess();
        string directory = package.CreateConsumer("Editor", "net10.0", "Exe", new Dictionary<string, string> { ["Program.cs"] = Naive },
            "<TreatWarningsAsErrors>false</TreatWarningsAsErrors>");
        Dotnet.Run(directory, "restore").AssertSuccess();

        using var server = new LanguageServer(Path.Combine(tools, "csharp-ls"), directory);
        string uri = new Uri(Path.Combine(directory, "Program.cs")).AbsoluteUri;
        server.Request("initialize", new JsonObject
        {
            ["processId"] = Environment.ProcessId,
            ["rootUri"] = new Uri(directory).AbsoluteUri,
            ["capabilities"] = JsonNode.Parse("""{"workspace":{"configuration":true},"textDocument":{"publishDiagnostics":{},"diagnostic":{}}}"""),
        });
        server.Notify("initialized", new JsonObject());
        server.Notify("workspace/didChangeConfiguration", JsonNode.Parse("""{"settings":{"csharp":{"analyzersEnabled":true}}}""")!);
        server.Notify("textDocument/didOpen", new JsonObject
        {
            ["textDocument"] = new JsonObject { ["uri"] = uri, ["languageId"] = "csharp", ["version"] = 1, ["text"] = Naive },
        });

        // The server loads the project in the background: pull the file's diagnostics until the analyzers' appear.
        JsonArray items = new();
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromMinutes(3))
        {
            JsonNode? report = server.Request("textDocument/diagnostic", new JsonObject { ["textDocument"] = new JsonObject { ["uri"] = uri } });
            items = report?["items"]?.AsArray() ?? new JsonArray();
            if (items.Any(i => (string?)i!["code"] == "SMX0001"))
            {
                break;
            }

            Thread.Sleep(1000);
        }

        log.WriteLine($"after {clock.Elapsed.TotalSeconds:0.0} s: " + items.ToJsonString());
        // On the exponential of the loop that sums them (the file's first Math.Exp(logits[i])).
        (int line, int character) = PositionOf(Naive, "Math.Exp(logits[i]);");
        JsonNode smx = Assert.Single(items, i => (string?)i!["code"] == "SMX0001"
            && (int)i["range"]!["start"]!["line"]! == line && (int)i["range"]!["start"]!["character"]! == character)!;
        Assert.Contains("without subtracting the maximum", (string)smx["message"]!);

        JsonNode? actions = server.Request("textDocument/codeAction", new JsonObject
        {
            ["textDocument"] = new JsonObject { ["uri"] = uri },
            ["range"] = smx["range"]!.DeepClone(),
            ["context"] = new JsonObject { ["diagnostics"] = new JsonArray(smx.DeepClone()) },
        });
        log.WriteLine("code actions at the diagnostic: " + string.Join("; ", actions?.AsArray().Select(a => (string?)a!["title"]) ?? []));
    }

    /// <summary>The 0-based line and character of the first occurrence of <paramref name="text"/>, as LSP counts them.</summary>
    private static (int Line, int Character) PositionOf(string source, string text)
    {
        string[] lines = source.Replace("\r\n", "\n").Split('\n');
        for (int line = 0; line < lines.Length; line++)
        {
            int character = lines[line].IndexOf(text, StringComparison.Ordinal);
            if (character >= 0)
            {
                return (line, character);
            }
        }

        throw new ArgumentException(text + " is not in the source");
    }

        /// <summary>A minimal LSP client over the server's standard input and output (JSON-RPC with Content-Length headers).</summary>
    private sealed class LanguageServer : IDisposable
    {
        private readonly Process _process;
        private readonly BlockingCollection<JsonNode> _responses = new();
        private readonly Thread _reader;
        private int _nextId;

        public LanguageServer(string program, string directory)
        {
            var start = new ProcessStartInfo(program)
            {
                WorkingDirectory = directory,
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (string key in start.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase) || k.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase)).ToList())
            {
                start.Environment.Remove(key);
            }

            start.Environment["DOTNET_CLI_UI_LANGUAGE"] = "en";
            _process = Process.Start(start)!;
            _process.ErrorDataReceived += (_, _) => { };
            _process.BeginErrorReadLine();
            _reader = new Thread(Read) { IsBackground = true };
            _reader.Start();
        }

        public JsonNode? Request(string method, JsonNode parameters)
        {
            int id = Interlocked.Increment(ref _nextId);
            Send(new JsonObject { ["jsonrpc"] = "2.0", ["id"] = id, ["method"] = method, ["params"] = parameters });
            var clock = Stopwatch.StartNew();
            while (_responses.TryTake(out JsonNode? response, TimeSpan.FromMinutes(2) - clock.Elapsed))
            {
                if ((int?)response["id"] == id)
                {
                    Assert.True(response["error"] is null, $"{method} failed: {response["error"]?.ToJsonString()}");
                    return response["result"];
                }
            }

            throw new TimeoutException($"no answer to {method} in 2 minutes");
        }

        public void Notify(string method, JsonNode parameters) =>
            Send(new JsonObject { ["jsonrpc"] = "2.0", ["method"] = method, ["params"] = parameters });

        private void Send(JsonObject message)
        {
            byte[] body = Encoding.UTF8.GetBytes(message.ToJsonString());
            lock (_process)
            {
                Stream input = _process.StandardInput.BaseStream;
                input.Write(Encoding.ASCII.GetBytes($"Content-Length: {body.Length}\r\n\r\n"));
                input.Write(body);
                input.Flush();
            }
        }

        /// <summary>Reads every message: responses are queued; the server's own requests get the answers an editor
        /// with this one setting would give (<c>csharp.analyzersEnabled</c>; null for the rest); notifications are dropped.</summary>
        private void Read()
        {
            try
            {
                Stream output = _process.StandardOutput.BaseStream;
                while (ReadMessage(output) is { } message)
                {
                    if (message["method"] is null)
                    {
                        _responses.Add(message);
                    }
                    else if (message["id"] is { } id)
                    {
                        JsonNode? result = (string?)message["method"] == "workspace/configuration"
                            ? new JsonArray(message["params"]!["items"]!.AsArray().Select(_ => (JsonNode?)new JsonObject { ["analyzersEnabled"] = true }).ToArray())
                            : null;
                        Send(new JsonObject { ["jsonrpc"] = "2.0", ["id"] = id.DeepClone(), ["result"] = result });
                    }
                }
            }
            catch (IOException)
            {
            }
            catch (ObjectDisposedException)
            {
            }
        }

        private static JsonNode? ReadMessage(Stream stream)
        {
            int length = -1;
            while (ReadLine(stream) is { } line)
            {
                if (line.Length == 0)
                {
                    var body = new byte[length];
                    stream.ReadExactly(body);
                    return JsonNode.Parse(body);
                }

                if (line.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))
                {
                    length = int.Parse(line["Content-Length:".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture);
                }
            }

            return null;
        }

        private static string? ReadLine(Stream stream)
        {
            var line = new StringBuilder();
            int b;
            while ((b = stream.ReadByte()) >= 0)
            {
                if (b == '\n')
                {
                    return line.ToString().TrimEnd('\r');
                }

                line.Append((char)b);
            }

            return null;
        }

        public void Dispose()
        {
            try
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(10_000);
            }
            catch (InvalidOperationException)
            {
            }

            _process.Dispose();
        }
    }
}
