using System.Buffers.Text;
using System.Security.Cryptography;

namespace AspireAgent.Protocol;

/// <summary>Compact random ids: 72 bits, 12 URL-safe characters. Short because every chunk carries one.</summary>
public static class MessageIds
{
    public static string New()
    {
        Span<byte> bytes = stackalloc byte[9];
        RandomNumberGenerator.Fill(bytes);
        return Base64Url.EncodeToString(bytes);
    }
}
