using System.Diagnostics;

namespace AspireAgent.AppHost.Topology;

/// <summary>What this machine can run: programs on PATH, and whether a container runtime answers.</summary>
public static class ExecutableLookup
{
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(10);

    public static string? OnPath(string program)
    {
        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            foreach (var candidate in OperatingSystem.IsWindows() ? [program + ".exe", program] : new[] { program })
            {
                var path = Path.Combine(directory, candidate);
                if (File.Exists(path))
                {
                    return path;
                }
            }
        }

        return null;
    }

    /// <summary>
    /// A runtime counts only when its daemon answers (<c>docker info</c>): a CLI installed without a running
    /// daemon would leave every container, and everything waiting for them, stuck.
    /// </summary>
    public static bool Answers(string runtime)
    {
        if (OnPath(runtime) is not { } path)
        {
            return false;
        }

        try
        {
            using var process = Process.Start(new ProcessStartInfo(path, ["info", "--format", "{{.ServerVersion}}"])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            });
            if (process is null)
            {
                return false;
            }

            if (!process.WaitForExit(ProbeTimeout))
            {
                process.Kill(entireProcessTree: true);
                return false;
            }

            return process.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }
}
