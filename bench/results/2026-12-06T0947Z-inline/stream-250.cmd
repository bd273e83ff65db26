$ dotnet bench/AspireAgent.LoadTool/bin/Release/net10.0/AspireAgent.LoadTool.dll stream --streams 250 --tokens-per-second 100 --token-count 150 --duration 20 --runs 3 --out bench/results/2026-12-06T0947Z-inline/stream-250.json
rc=0  09:52:35 up  3:26,  0 user,  load average: 1.68, 3.05, 5.51
