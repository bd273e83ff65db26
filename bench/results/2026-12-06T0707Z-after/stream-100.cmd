$ dotnet bench/AspireAgent.LoadTool/bin/Release/net10.0/AspireAgent.LoadTool.dll stream --streams 100 --tokens-per-second 40 --token-count 60 --duration 20 --runs 3 --out bench/results/2026-12-06T0707Z-after/stream-100.json
rc=0  07:17:53 up 51 min,  0 user,  load average: 0.56, 1.55, 4.99
