$ dotnet bench/AspireAgent.LoadTool/bin/Release/net10.0/AspireAgent.LoadTool.dll connections --count 5000 --heartbeat-interval 5 --hold 20 --runs 3 --port 6910 --targets gateway,floor,signalr --out bench/results/2026-12-06T1028Z-lanes/idle.json
rc=0  10:33:54 up  4:07,  0 user,  load average: 0.67, 1.26, 2.21
