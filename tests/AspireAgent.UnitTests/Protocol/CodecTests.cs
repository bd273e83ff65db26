using System.Buffers;
using System.Text;
using AspireAgent.Protocol;
using AspireAgent.Protocol.Encoding;

namespace AspireAgent.UnitTests.Protocol;

public sealed class CodecTests
{
    public static TheoryData<WireEncoding, AgentMessage> EveryMessageInEveryEncoding()
    {
        var data = new TheoryData<WireEncoding, AgentMessage>();
        foreach (var encoding in Enum.GetValues<WireEncoding>())
        {
            foreach (var message in SampleMessages.All())
            {
                data.Add(encoding, message.Data);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(EveryMessageInEveryEncoding))]
    public void Every_message_round_trips(WireEncoding encoding, AgentMessage message)
    {
        var codec = MessageCodecs.Get(encoding);

        var decoded = codec.Decode(Encode(codec, message));

        Assert.Equal(message, decoded);
        Assert.Equal(message.Type, decoded.Type);
    }

    [Fact]
    public void Json_names_the_type_and_uses_the_documented_field_names()
    {
        var json = Encoding.UTF8.GetString(Encode(MessageCodecs.Json, SampleMessages.Chunk).Span);

        Assert.Equal(
            """{"type":"assistant.chunk","id":"k3J9xQ2mPz8A","ts":1764000000123,"streamId":"s_Xa81kQz0Lm2B","seq":41,"delta":"hello"}""",
            json);
    }

    [Fact]
    public void Json_accepts_the_type_anywhere_in_the_object()
    {
        var frame = """{"id":"a","ts":1,"streamId":"s","seq":0,"delta":"x","type":"assistant.chunk"}"""u8.ToArray();

        var decoded = MessageCodecs.Json.Decode(frame);

        Assert.Equal(new AssistantChunk { Id = "a", Timestamp = 1, StreamId = "s", Seq = 0, Delta = "x" }, decoded);
    }

    [Theory]
    [InlineData("""{"type":"presence.update","id":"a","ts":1}""", "presence.update")]
    [InlineData("""{"id":"a","ts":1,"type":"telemetry"}""", "telemetry")]
    public void Json_tells_an_unknown_type_from_a_broken_frame(string json, string type)
    {
        var ex = Assert.Throws<UnknownMessageTypeException>(() => MessageCodecs.Json.Decode(Encoding.UTF8.GetBytes(json)));

        Assert.Equal(type, ex.MessageType);
    }

    [Theory]
    [InlineData("{not json")]
    [InlineData("null")]
    [InlineData("[1,2,3]")]
    [InlineData("""{"id":"a","ts":1}""")]
    [InlineData("""{"type":"assistant.chunk","id":"a","ts":1,"seq":0}""")]
    [InlineData("""{"type":"user.message","id":"a","ts":"yesterday","conversationId":"c","content":"x"}""")]
    public void Json_rejects_malformed_frames(string json) =>
        Assert.Throws<MalformedFrameException>(() => MessageCodecs.Json.Decode(Encoding.UTF8.GetBytes(json)));

    [Theory]
    [InlineData(WireEncoding.MessagePack, new byte[] { 0xc1 })]
    [InlineData(WireEncoding.MessagePack, new byte[] { 0x93, 0x02, 0xa1 })]
    [InlineData(WireEncoding.MessagePack, new byte[] { 0x92, 0x00, 0xa1, 0x61 })]
    [InlineData(WireEncoding.Protobuf, new byte[] { 0x0a, 0x05, 0x61 })]
    [InlineData(WireEncoding.Protobuf, new byte[] { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff })]
    public void Binary_codecs_reject_malformed_frames(WireEncoding encoding, byte[] frame) =>
        Assert.Throws<MalformedFrameException>(() => MessageCodecs.Get(encoding).Decode(frame));

    [Fact]
    public void MessagePack_reports_an_unknown_kind_as_an_unknown_type()
    {
        // [kind 9, "a", 1]
        byte[] frame = [0x93, 0x09, 0xa1, 0x61, 0x01];

        Assert.Throws<UnknownMessageTypeException>(() => MessageCodecs.MessagePack.Decode(frame));
    }

    [Fact]
    public void MessagePack_skips_fields_a_newer_peer_appended()
    {
        var writer = new ArrayBufferWriter<byte>();
        var mp = new MessagePack.MessagePackWriter(writer);
        mp.WriteArrayHeader(7);
        mp.Write(2);
        mp.Write("a");
        mp.Write(1L);
        mp.Write("s");
        mp.Write(3L);
        mp.Write("x");
        mp.Write("a field from protocol v2");
        mp.Flush();

        var decoded = MessageCodecs.MessagePack.Decode(writer.WrittenMemory);

        Assert.Equal(new AssistantChunk { Id = "a", Timestamp = 1, StreamId = "s", Seq = 3, Delta = "x" }, decoded);
    }

    [Fact]
    public void Protobuf_reports_an_envelope_without_a_known_body_as_an_unknown_type()
    {
        // Envelope { id = "a", field 99 (a body case from a newer schema) = "x" }
        byte[] frame = [0x0a, 0x01, 0x61, 0x9a, 0x06, 0x01, 0x78];

        Assert.Throws<UnknownMessageTypeException>(() => MessageCodecs.Protobuf.Decode(frame));
    }

    [Fact]
    public void Subprotocols_select_their_codec_case_insensitively()
    {
        Assert.True(MessageCodecs.TryGetBySubProtocol("ASPIREAGENT.V1.MSGPACK", out var codec));
        Assert.Equal(WireEncoding.MessagePack, codec.Encoding);
        Assert.False(MessageCodecs.TryGetBySubProtocol("graphql-ws", out _));
    }

    [Fact]
    public void Binary_encodings_are_smaller_than_json_for_a_chunk()
    {
        var json = Encode(MessageCodecs.Json, SampleMessages.Chunk).Length;
        var msgpack = Encode(MessageCodecs.MessagePack, SampleMessages.Chunk).Length;
        var protobuf = Encode(MessageCodecs.Protobuf, SampleMessages.Chunk).Length;

        // docs/protocol.md quotes these three numbers; this keeps the table honest.
        Assert.Equal((118, 46, 48), (json, msgpack, protobuf));
    }

    internal static ReadOnlyMemory<byte> Encode(IMessageCodec codec, AgentMessage message)
    {
        var buffer = new ArrayBufferWriter<byte>();
        codec.Encode(message, buffer);
        return buffer.WrittenMemory;
    }
}
