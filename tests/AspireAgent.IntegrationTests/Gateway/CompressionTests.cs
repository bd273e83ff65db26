using AspireAgent.IntegrationTests.Infrastructure;
using AspireAgent.Protocol;
using AspireAgent.Protocol.Encoding;

namespace AspireAgent.IntegrationTests.Gateway;

public sealed class CompressionTests
{
    [Fact]
    public async Task Permessage_deflate_is_off_unless_configured()
    {
        await using var gateway = await TestGateway.StartAsync(withWorker: false);
        await using var client = await WireClient.ConnectAsync(gateway.WebSocketUri, offerCompression: true);

        Assert.False(client.Compressed);
    }

    [Theory]
    [InlineData(WireEncoding.Json)]
    [InlineData(WireEncoding.Protobuf)]
    public async Task Configured_permessage_deflate_is_negotiated_and_streams_intact(WireEncoding encoding)
    {
        await using var gateway = await TestGateway.StartAsync(new Dictionary<string, string?> { ["Gateway:EnableCompression"] = "true" });
        await using var client = await WireClient.ConnectAsync(gateway.WebSocketUri, encoding, offerCompression: true);
        await client.HelloAsync();

        var answer = await client.AskAsync("conv-deflate", "compress me");

        Assert.True(client.Compressed);
        Assert.Equal(FinishReason.Stop, answer.End.FinishReason);
        Assert.Equal(answer.Concatenated, answer.End.FullContent);
    }
}
