$ dotnet bench/AspireAgent.LoadTool/bin/Release/net10.0/AspireAgent.LoadTool.dll stream --streams 100 --tokens-per-second 40 --token-count 60 --duration 20 --runs 3 --out bench/results/2026-12-06T1028Z-lanes/stream-100.json
rc=0  10:36:19 up  4:10,  0 user,  load average: 0.57, 1.11, 2.02
