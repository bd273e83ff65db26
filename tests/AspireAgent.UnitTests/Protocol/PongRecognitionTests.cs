using System.Buffers;
using System.Text;
using AspireAgent.Protocol;
using AspireAgent.Protocol.Encoding;

namespace AspireAgent.UnitTests.Protocol;

/// <summary>
/// <see cref="IMessageCodec.IsPong"/>: says yes to exactly the frames that <see cref="IMessageCodec.Decode"/> would
/// turn into a control pong, so the gateway may skip decoding them.
/// </summary>
public sealed class PongRecognitionTests
{
    private static ControlMessage Pong(IReadOnlyDictionary<string, string>? payload = null) => new()
    {
        Id = "p1", Timestamp = SampleMessages.Ts, Action = ControlActions.Pong, Payload = payload,
    };

    public static TheoryData<WireEncoding> RecognisingEncodings() => [WireEncoding.Json, WireEncoding.MessagePack];

    // Agrees with Decode on every frame it is asked about: a frame it calls a pong decodes to one.
    private static bool IsPong(IMessageCodec codec, ReadOnlyMemory<byte> frame)
    {
        var pong = codec.IsPong(frame);
        if (pong)
        {
            Assert.Equal(ControlActions.Pong, Assert.IsType<ControlMessage>(codec.Decode(frame)).Action);
        }

        return pong;
    }

    [Theory]
    [MemberData(nameof(RecognisingEncodings))]
    public void A_pong_with_or_without_its_reply_to_is_recognised(WireEncoding encoding)
    {
        var codec = MessageCodecs.Get(encoding);

        Assert.True(IsPong(codec, CodecTests.Encode(codec, Pong())));
        Assert.True(IsPong(codec, CodecTests.Encode(codec, Pong(new Dictionary<string, string> { [ControlKeys.ReplyTo] = "k3J9xQ2mPz8A" }))));
    }

    [Theory]
    [MemberData(nameof(CodecTests.EveryMessageInEveryEncoding), MemberType = typeof(CodecTests))]
    public void No_other_message_is_taken_for_a_pong(WireEncoding encoding, AgentMessage message)
    {
        var codec = MessageCodecs.Get(encoding);

        Assert.False(IsPong(codec, CodecTests.Encode(codec, message)));
    }

    [Fact]
    public void Protobuf_leaves_every_pong_to_the_full_decode()
    {
        var codec = MessageCodecs.Protobuf;

        Assert.False(codec.IsPong(CodecTests.Encode(codec, Pong())));
    }

    [Theory]
    [InlineData("""{"action":"pong","ts":1,"payload":{"replyTo":"x"},"id":"a","type":"control"}""", true)]
    [InlineData("""{"type":"control","id":"a","ts":1,"action":"p\u006fng","payload":null,"extra":[1,{"b":2}]}""", true)]
    [InlineData("""{"type":"control","ts":1,"action":"pong"}""", false)] // no id
    [InlineData("""{"type":"control","id":"a","ts":"1","action":"pong"}""", false)] // ts not a number
    [InlineData("""{"type":"control","id":"a","ts":1,"action":"pong","payload":{"replyTo":7}}""", false)]
    [InlineData("""{"type":"control","id":"a","ts":1,"action":"pong","payload":"replyTo"}""", false)]
    [InlineData("""{"type":"control","id":"a","ts":1,"action":"pong"} {}""", false)] // trailing bytes
    [InlineData("""{"type":"control","id":"a","ts":1,"action":"pong" """, false)] // truncated
    [InlineData("""{"type":"control","id":"a","ts":1,"action":"ping"}""", false)]
    [InlineData("""{"type":"user.message","id":"a","ts":1,"action":"pong"}""", false)]
    [InlineData("""["control","pong"]""", false)]
    public void Json_recognises_a_pong_only_where_decode_would_accept_it(string json, bool pong)
    {
        var frame = Encoding.UTF8.GetBytes(json);

        Assert.Equal(pong, IsPong(MessageCodecs.Json, frame));
        if (!pong && json.Contains("\"action\":\"pong\"") && json.Contains("\"type\":\"control\""))
        {
            Assert.Throws<MalformedFrameException>(() => MessageCodecs.Json.Decode(frame));
        }
    }

    [Fact]
    public void MessagePack_recognises_a_pong_with_fields_a_newer_peer_appended()
    {
        var frame = Frame((ref MessagePack.MessagePackWriter mp) =>
        {
            mp.WriteArrayHeader(6);
            mp.Write(4);
            mp.Write("a");
            mp.Write(1L);
            mp.Write(ControlActions.Pong);
            mp.WriteNil();
            mp.Write("a field from protocol v2");
        });

        Assert.True(IsPong(MessageCodecs.MessagePack, frame));
    }

    [Theory]
    [InlineData("nil value")]
    [InlineData("nil id")]
    [InlineData("truncated")]
    [InlineData("trailing")]
    public void MessagePack_does_not_recognise_a_pong_decode_would_refuse(string flaw)
    {
        var frame = Frame((ref MessagePack.MessagePackWriter mp) =>
        {
            mp.WriteArrayHeader(5);
            mp.Write(4);
            if (flaw == "nil id")
            {
                mp.WriteNil();
            }
            else
            {
                mp.Write("a");
            }

            mp.Write(1L);
            mp.Write(ControlActions.Pong);
            mp.WriteMapHeader(1);
            mp.Write(ControlKeys.ReplyTo);
            if (flaw == "nil value")
            {
                mp.WriteNil();
            }
            else
            {
                mp.Write("x");
            }

            if (flaw == "trailing")
            {
                mp.Write(0);
            }
        });
        if (flaw == "truncated")
        {
            frame = frame[..^1];
        }

        Assert.False(MessageCodecs.MessagePack.IsPong(frame));
        Assert.Throws<MalformedFrameException>(() => MessageCodecs.MessagePack.Decode(frame));
    }

    private delegate void WriteFrame(ref MessagePack.MessagePackWriter writer);

    private static ReadOnlyMemory<byte> Frame(WriteFrame write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new MessagePack.MessagePackWriter(buffer);
        write(ref writer);
        writer.Flush();
        return buffer.WrittenMemory;
    }
}
