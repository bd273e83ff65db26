$ dotnet bench/AspireAgent.LoadTool/bin/Release/net10.0/AspireAgent.LoadTool.dll connections --count 5000 --heartbeat-interval 5 --hold 20 --runs 1 --port 6920 --targets gateway,floor,signalr --server-env DOTNET_gcServer=0 --out bench/results/2026-12-06T0707Z-after/idle-wks.json
rc=0  07:15:32 up 49 min,  0 user,  load average: 0.23, 2.10, 5.71
