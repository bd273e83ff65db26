$ dotnet bench/AspireAgent.LoadTool/bin/Release/net10.0/AspireAgent.LoadTool.dll stream --streams 250 --tokens-per-second 100 --token-count 150 --duration 20 --runs 3 --out bench/results/2026-12-06T0735Z-after2/stream-250.json
rc=0  07:45:38 up  1:19,  0 user,  load average: 1.23, 1.07, 1.78
