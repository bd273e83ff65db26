$ dotnet bench/AspireAgent.LoadTool/bin/Release/net10.0/AspireAgent.LoadTool.dll stream --streams 250 --tokens-per-second 100 --token-count 150 --duration 20 --runs 3 --server-env ConnectionStrings__redis=127.0.0.1:6390 --out bench/results/2026-12-06T0954Z-inline/redis-250.json
rc=0  09:59:20 up  3:33,  0 user,  load average: 3.12, 2.88, 4.50
