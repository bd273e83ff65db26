$ dotnet bench/AspireAgent.LoadTool/bin/Release/net10.0/AspireAgent.LoadTool.dll stream --streams 100 --tokens-per-second 40 --token-count 60 --duration 20 --runs 3 --out bench/results/2026-12-06T0947Z-inline/stream-100.json
rc=0  09:50:08 up  3:24,  0 user,  load average: 1.39, 3.56, 6.05
