$ dotnet bench/AspireAgent.LoadTool/bin/Release/net10.0/AspireAgent.LoadTool.dll stream --streams 250 --tokens-per-second 100 --token-count 150 --duration 20 --runs 3 --out bench/results/2026-12-06T0707Z-after/stream-250.json
rc=0  07:20:17 up 54 min,  0 user,  load average: 1.16, 1.54, 4.50
