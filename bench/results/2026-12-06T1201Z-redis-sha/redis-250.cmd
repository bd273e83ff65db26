$ dotnet bench/AspireAgent.LoadTool/bin/Release/net10.0/AspireAgent.LoadTool.dll stream --streams 250 --tokens-per-second 100 --token-count 150 --duration 20 --runs 3 --server-env ConnectionStrings__redis=127.0.0.1:6390 --out bench/results/2026-12-06T1201Z-redis-sha/redis-250.json
rc=0  12:06:37 up  5:40,  0 user,  load average: 2.79, 3.86, 4.17
