$ dotnet bench/AspireAgent.LoadTool/bin/Release/net10.0/AspireAgent.LoadTool.dll stream --streams 250 --tokens-per-second 100 --token-count 150 --duration 20 --runs 3 --out bench/results/2026-12-06T1028Z-lanes/stream-250.json
rc=0  10:38:47 up  4:12,  0 user,  load average: 3.00, 2.12, 2.28
