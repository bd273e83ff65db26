using System.Runtime.InteropServices;

namespace AspireAgent.LoadTool.Net;

/// <summary>
/// Every socket is a file descriptor, on both ends of loopback. The soft RLIMIT_NOFILE is raised to the hard one
/// at start (child servers inherit it); raising the hard limit needs root with CAP_SYS_RESOURCE, so past it the
/// only way is <c>ulimit -Hn</c> in the shell that starts the tool.
/// </summary>
internal static partial class FileDescriptorLimit
{
    private const int RlimitNofile = 7;

    public static (ulong Soft, ulong Hard) RaiseSoftToHard()
    {
        if (!OperatingSystem.IsLinux() || getrlimit(RlimitNofile, out var limit) != 0)
        {
            return (0, 0);
        }

        if (limit.Current < limit.Maximum)
        {
            var raised = limit with { Current = limit.Maximum };
            if (setrlimit(RlimitNofile, in raised) == 0)
            {
                limit = raised;
            }
        }

        return (limit.Current, limit.Maximum);
    }

    [StructLayout(LayoutKind.Sequential)]
    private record struct RLimit(ulong Current, ulong Maximum);

    [DllImport("libc", SetLastError = true)]
    private static extern int getrlimit(int resource, out RLimit limit);

    [DllImport("libc", SetLastError = true)]
    private static extern int setrlimit(int resource, in RLimit limit);
}
