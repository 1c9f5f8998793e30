using Spectre.Console;
using Spectre.Console.Cli;
using Threshold.Engine;
using Threshold.Law;
using Threshold.Synthesis;

namespace Threshold.Cli;

/// <summary>
/// Runs the command app and turns every expected failure into exit code 2 with one line on stderr, so a script can
/// rely on stdout holding either a complete result or nothing.
/// </summary>
internal static class CliRunner
{
    public static int Run(CommandApp app, string[] args)
    {
        try
        {
            return app.Run(args);
        }
        catch (Threshold.Record.ArrangementMismatchException e)
        {
            // Like a case id already taken: the record holds something this run would contradict, so nothing is written.
            Console.Error.WriteLine($"threshold: {e.Message}");
            return ExitCodes.CaseIdConflict;
        }
        catch (Threshold.Record.CaseIdConflictException e)
        {
            Console.Error.WriteLine($"threshold: {e.Message}");
            return ExitCodes.CaseIdConflict;
        }
        catch (Exception e) when (Threshold.Record.RecordFaultException.From(e, Commands.StoreSettings.OpenedRecord ?? "the record", Commands.StoreSettings.OpenedDirectory) is { } fault)
        {
            Console.Error.WriteLine($"threshold: {fault.Message}");
            return ExitCodes.RecordUnavailable;
        }
        catch (Threshold.Record.RecordVerificationException e)
        {
            // A verified read found stored facts that no longer match the log: the same answer as audit verify failing.
            Console.Error.WriteLine($"threshold: {e.Message}");
            return ExitCodes.VerificationFailed;
        }
        catch (Exception e) when (Describe(e) is { } message)
        {
            Console.Error.WriteLine($"threshold: {message}");
            return ExitCodes.BadInput;
        }
        catch (Exception e)
        {
            Console.Error.WriteLine($"threshold: internal error: {e}");
            return ExitCodes.InternalError;
        }
    }

    private static string? Describe(Exception e) => e switch
    {
        // The engine names a what-if by its type; the CLI words it with its flags (--set, --in-force, --allow-gaps…).
        ReplayRequestException or InputFileException => CliWording.Instance.Message(e),
        LocatedInputException or UsageException or Threshold.Record.RecordException
            or Threshold.Screening.UnknownPeriodException or Threshold.Screening.ScreeningConflictException => e.Message,
        CommandParseException or CommandRuntimeException => e.Message.ReplaceLineEndings(" "),
        _ => null,
    };
}

/// <summary>A command-line option is missing or malformed.</summary>
public sealed class UsageException : Exception
{
    public UsageException(string message)
        : base(message)
    {
    }

    public UsageException()
    {
    }

    public UsageException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
