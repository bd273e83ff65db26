$ dotnet bench/AspireAgent.LoadTool/bin/Release/net10.0/AspireAgent.LoadTool.dll stream --streams 100 --tokens-per-second 40 --token-count 60 --duration 20 --runs 3 --server-env ConnectionStrings__redis=127.0.0.1:6390 --out bench/results/2026-12-06T0735Z-after2/redis-100.json
rc=0  07:48:02 up  1:21,  0 user,  load average: 0.77, 0.93, 1.62
