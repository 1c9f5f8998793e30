using System.Diagnostics;
using SharpFuzz;
using Threshold.Fuzz;

// Usage:
//   Threshold.Fuzz TARGET            run under afl-fuzz (persistent mode), or once on standard input without it
//   Threshold.Fuzz TARGET FILE...    replay inputs (a crash or hang afl-fuzz saved) and print each outcome; use the
//                                    uninstrumented build for this (instrumented code runs only under afl-fuzz)
//   Threshold.Fuzz --list            the targets
if (args.Length == 0 || args[0] is "--list" or "-h" or "--help")
{
    Console.WriteLine("targets: " + string.Join(' ', FuzzTargets.Names));
    return args.Length == 0 ? 2 : 0;
}

var target = FuzzTargets.Find(args[0]);
if (target is null)
{
    await Console.Error.WriteLineAsync($"unknown target '{args[0]}'; the targets are: {string.Join(' ', FuzzTargets.Names)}").ConfigureAwait(false);
    return 2;
}

if (args.Length == 1)
{
    Fuzzer.Run(stream => FuzzOutcome.Run(() => target(ReadAll(stream))));
    return 0;
}

foreach (var file in args.Skip(1))
{
    var watch = Stopwatch.StartNew();
    var outcome = FuzzOutcome.Run(() => target(File.ReadAllBytes(file)));
    Console.WriteLine($"{file}: {(outcome is null ? "accepted" : "refused: " + outcome)} ({watch.ElapsedMilliseconds} ms)");
}

return 0;

static byte[] ReadAll(Stream stream)
{
    using var copy = new MemoryStream();
    stream.CopyTo(copy);
    return copy.ToArray();
}
