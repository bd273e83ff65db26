$ dotnet bench/AspireAgent.LoadTool/bin/Release/net10.0/AspireAgent.LoadTool.dll stream --streams 250 --tokens-per-second 100 --token-count 150 --duration 20 --runs 3 --server-env ConnectionStrings__redis=127.0.0.1:6390 --out bench/results/2026-12-06T0735Z-after2/redis-250.json
rc=0  07:50:27 up  1:24,  0 user,  load average: 3.17, 1.95, 1.91
