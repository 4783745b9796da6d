using Spectre.Console;

namespace BatchJobs.Cli.Commands;

/// <summary>A Spectre console that writes to the given writer, so tests can read what a command printed.</summary>
public static class ConsoleFor
{
    public static IAnsiConsole Writer(TextWriter writer)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = writer == Console.Out ? AnsiSupport.Detect : AnsiSupport.No,
            Interactive = writer == Console.Out ? InteractionSupport.Detect : InteractionSupport.No,
        });
        // Logs and pipes have no width; 80 columns would wrap every table.
        if (writer != Console.Out || Console.IsOutputRedirected) console.Profile.Width = 160;
        return console;
    }
}
