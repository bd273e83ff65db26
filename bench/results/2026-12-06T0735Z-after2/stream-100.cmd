$ dotnet bench/AspireAgent.LoadTool/bin/Release/net10.0/AspireAgent.LoadTool.dll stream --streams 100 --tokens-per-second 40 --token-count 60 --duration 20 --runs 3 --out bench/results/2026-12-06T0735Z-after2/stream-100.json
rc=0  07:43:12 up  1:17,  0 user,  load average: 0.19, 0.63, 1.77
