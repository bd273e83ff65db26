$ dotnet bench/AspireAgent.LoadTool/bin/Release/net10.0/AspireAgent.LoadTool.dll connections --count 5000 --heartbeat-interval 5 --hold 20 --runs 3 --port 6910 --targets gateway,floor,signalr --out bench/results/2026-12-06T0735Z-after2/idle.json
rc=0  07:40:50 up  1:14,  0 user,  load average: 0.33, 0.87, 2.03
