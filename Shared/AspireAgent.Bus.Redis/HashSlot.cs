using System.Text;

namespace AspireAgent.Bus.Redis;

/// <summary>
/// The hash slot a key lands in on a Redis Cluster, computed as Redis computes it (<c>keyHashSlot</c>): CRC16
/// (XMODEM) of the key, or of its hash tag when it has a non-empty one, modulo 16384. The bus computes it itself
/// so that the request queue's shard keys can be chosen, once and identically in every process, to fall in
/// distinct slot ranges without asking the cluster.
/// </summary>
internal static class HashSlot
{
    public const int Count = 16384;

    private static readonly ushort[] Table = BuildTable();

    public static int Of(string key) => Of(Encoding.UTF8.GetBytes(key));

    public static int Of(ReadOnlySpan<byte> key)
    {
        var open = key.IndexOf((byte)'{');
        if (open >= 0)
        {
            var close = key[(open + 1)..].IndexOf((byte)'}');
            // "{}" is not a tag: Redis then hashes the whole key.
            if (close > 0)
            {
                key = key.Slice(open + 1, close);
            }
        }

        return Crc16(key) & (Count - 1);
    }

    /// <summary>CRC16/XMODEM: polynomial 0x1021, initial value 0, no reflection.</summary>
    public static ushort Crc16(ReadOnlySpan<byte> data)
    {
        ushort crc = 0;
        foreach (var b in data)
        {
            crc = (ushort)((crc << 8) ^ Table[((crc >> 8) ^ b) & 0xFF]);
        }

        return crc;
    }

    private static ushort[] BuildTable()
    {
        var table = new ushort[256];
        for (var i = 0; i < 256; i++)
        {
            var crc = (ushort)(i << 8);
            for (var bit = 0; bit < 8; bit++)
            {
                crc = (crc & 0x8000) != 0 ? (ushort)((crc << 1) ^ 0x1021) : (ushort)(crc << 1);
            }

            table[i] = crc;
        }

        return table;
    }
}
