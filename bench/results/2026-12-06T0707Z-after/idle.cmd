$ dotnet bench/AspireAgent.LoadTool/bin/Release/net10.0/AspireAgent.LoadTool.dll connections --count 5000 --heartbeat-interval 5 --hold 20 --runs 3 --port 6910 --targets gateway,floor,signalr --out bench/results/2026-12-06T0707Z-after/idle.json
rc=0  07:13:37 up 47 min,  0 user,  load average: 0.88, 3.03, 6.45
