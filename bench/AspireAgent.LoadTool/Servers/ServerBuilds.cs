namespace AspireAgent.LoadTool.Servers;

/// <summary>Where the servers' build outputs are: the load tool runs what <c>dotnet build -c X</c> produced.</summary>
internal static class ServerBuilds
{
    public static string RepositoryRoot { get; } = FindRoot();

    public static string Path(Target target, string configuration)
    {
        var relative = target switch
        {
            Target.AspireAgent => $"Web.Blazor/Host/bin/{configuration}/net10.0/Web.Blazor.dll",
            Target.Gateway => $"Services.Socket/bin/{configuration}/net10.0/Services.Socket.dll",
            Target.SignalR => $"bench/AspireAgent.SignalRPeer/bin/{configuration}/net10.0/AspireAgent.SignalRPeer.dll",
            _ => $"bench/AspireAgent.FloorPeer/bin/{configuration}/net10.0/AspireAgent.FloorPeer.dll",
        };
        var path = System.IO.Path.Combine(RepositoryRoot, relative);
        return File.Exists(path)
            ? path
            : throw new FileNotFoundException($"{path} is missing: run 'dotnet build AspireAgent.sln -c {configuration}' first.");
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "AspireAgent.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No AspireAgent.sln above {AppContext.BaseDirectory}.");
    }
}
