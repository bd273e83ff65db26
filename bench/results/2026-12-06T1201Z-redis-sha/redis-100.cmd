$ dotnet bench/AspireAgent.LoadTool/bin/Release/net10.0/AspireAgent.LoadTool.dll stream --streams 100 --tokens-per-second 40 --token-count 60 --duration 20 --runs 3 --server-env ConnectionStrings__redis=127.0.0.1:6390 --out bench/results/2026-12-06T1201Z-redis-sha/redis-100.json
rc=0  12:04:06 up  5:37,  0 user,  load average: 3.62, 4.31, 4.34
