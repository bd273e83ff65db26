$ dotnet bench/AspireAgent.LoadTool/bin/Release/net10.0/AspireAgent.LoadTool.dll stream --streams 100 --tokens-per-second 40 --token-count 60 --duration 20 --runs 3 --server-env ConnectionStrings__redis=127.0.0.1:6390 --out bench/results/2026-12-06T0954Z-inline/redis-100.json
rc=0  09:56:52 up  3:30,  0 user,  load average: 1.54, 2.29, 4.60
