using System.Reflection;
using System.Text;
using AspireAgent.Protocol;
using AspireAgent.Protocol.Encoding;

namespace AspireAgent.UnitTests.Protocol;

/// <summary>
/// Decoded control payloads: the compact <see cref="ControlPayload"/> behaves as the dictionary it replaced, and
/// the protocol's own words decode to their constants rather than new strings.
/// </summary>
public sealed class ControlPayloadTests
{
    private static ControlMessage Ack(params (string Key, string Value)[] pairs) => new()
    {
        Id = "a1",
        Timestamp = SampleMessages.Ts,
        Action = ControlActions.Ack,
        Payload = pairs.ToDictionary(pair => pair.Key, pair => pair.Value),
    };

    private static ControlMessage RoundTrip(WireEncoding encoding, ControlMessage message)
    {
        var codec = MessageCodecs.Get(encoding);
        return Assert.IsType<ControlMessage>(codec.Decode(CodecTests.Encode(codec, message)));
    }

    [Theory]
    [InlineData(WireEncoding.Json)]
    [InlineData(WireEncoding.MessagePack)]
    [InlineData(WireEncoding.Protobuf)]
    public void A_decoded_payload_answers_lookups_as_the_sent_dictionary(WireEncoding encoding)
    {
        var sent = Ack((ControlKeys.StreamId, "s_1"), (ControlKeys.Seq, "41"), ("custom-key", "ünïcode ✓"));

        var payload = RoundTrip(encoding, sent).Payload!;

        Assert.IsType<ControlPayload>(payload);
        Assert.Equal(3, payload.Count);
        Assert.Equal("41", payload[ControlKeys.Seq]);
        Assert.True(payload.TryGetValue("custom-key", out var custom));
        Assert.Equal("ünïcode ✓", custom);
        Assert.False(payload.ContainsKey("missing"));
        Assert.Throws<KeyNotFoundException>(() => payload["missing"]);
        Assert.Equal(sent.Payload!.OrderBy(pair => pair.Key), payload.OrderBy(pair => pair.Key));
        Assert.Equal(sent.Payload!.Keys.Order(), payload.Keys.Order());
        Assert.Equal(sent, RoundTrip(encoding, sent));
    }

    [Theory]
    [InlineData(WireEncoding.Json)]
    [InlineData(WireEncoding.MessagePack)]
    public void The_protocol_words_decode_to_their_constants(WireEncoding encoding)
    {
        var pong = new ControlMessage
        {
            Id = "p1",
            Timestamp = SampleMessages.Ts,
            Action = new string(ControlActions.Pong), // not the constant: the decoder must not hand this one back
            Payload = new Dictionary<string, string> { [new string(ControlKeys.ReplyTo)] = "k3J9xQ2mPz8A" },
        };

        var decoded = RoundTrip(encoding, pong);

        Assert.Same(ControlActions.Pong, decoded.Action);
        Assert.Same(ControlKeys.ReplyTo, decoded.Payload!.Keys.Single());
        Assert.Equal("k3J9xQ2mPz8A", decoded.Get(ControlKeys.ReplyTo));
    }

    [Fact]
    public void Every_action_and_payload_key_is_a_known_word()
    {
        static IEnumerable<string> Constants(Type type) => type
            .GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(field => field.IsLiteral && field.FieldType == typeof(string))
            .Select(field => (string)field.GetRawConstantValue()!);

        var expected = Constants(typeof(ControlActions)).Concat(Constants(typeof(ControlKeys))).ToHashSet();

        Assert.Equal(expected.Order(), KnownStrings.All.ToHashSet().Order());
        Assert.All(expected, word => Assert.Same(
            string.IsInterned(word), KnownStrings.Find(Encoding.ASCII.GetBytes(word))));
    }

    [Theory]
    [InlineData(WireEncoding.Json)]
    [InlineData(WireEncoding.MessagePack)]
    [InlineData(WireEncoding.Protobuf)]
    public void A_payload_larger_than_the_array_keeps_every_pair(WireEncoding encoding)
    {
        var pairs = Enumerable.Range(0, ControlPayload.MaxPairs * 3).Select(i => ($"k{i}", $"v{i}")).ToArray();

        var payload = RoundTrip(encoding, Ack(pairs)).Payload!;

        Assert.Equal(pairs.Length, payload.Count);
        Assert.All(pairs, pair => Assert.Equal(pair.Item2, payload[pair.Item1]));
    }

    [Fact]
    public void A_repeated_key_keeps_its_last_value_as_a_dictionary_would()
    {
        var json = """{"type":"control","id":"c","ts":1,"action":"resume","payload":{"streamId":"s_1","seq":"3","seq":"7"}}"""u8.ToArray();

        var decoded = Assert.IsType<ControlMessage>(MessageCodecs.Json.Decode(json));

        Assert.Equal(2, decoded.Payload!.Count);
        Assert.Equal("7", decoded.Get(ControlKeys.Seq));
        Assert.Equal("s_1", decoded.Get(ControlKeys.StreamId));
    }

    [Fact]
    public void Json_decodes_escaped_words_and_keys_by_their_meaning()
    {
        var json = """{"type":"control","id":"c","ts":1,"action":"p\u006fng","payload":{"reply\u0054o":"x"}}"""u8.ToArray();

        var decoded = Assert.IsType<ControlMessage>(MessageCodecs.Json.Decode(json));

        Assert.Equal(ControlActions.Pong, decoded.Action);
        Assert.Equal("x", decoded.Get(ControlKeys.ReplyTo));
    }

    [Fact]
    public void Json_writes_control_messages_byte_for_byte_as_the_serializer_would()
    {
        ControlMessage[] messages =
        [
            new() { Id = "p1", Timestamp = SampleMessages.Ts, Action = ControlActions.Ping },
            Ack((ControlKeys.StreamId, "s_1"), (ControlKeys.Seq, "41")),
            new()
            {
                Id = "q\"2", Timestamp = -1, Action = "custom <&> ✓",
                Payload = new Dictionary<string, string> { ["ünï \"key\""] = "line\nbreak 🌤", [ControlKeys.ReplyTo] = "" },
            },
            new() { Id = "e", Timestamp = 0, Action = ControlActions.Welcome, Payload = new Dictionary<string, string>() },
        ];

        foreach (var message in messages)
        {
            var expected = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes<AgentMessage>(
                message, AspireAgent.Protocol.Encoding.Json.ProtocolJsonContext.Default.AgentMessage);

            Assert.Equal(Encoding.UTF8.GetString(expected), Encoding.UTF8.GetString(CodecTests.Encode(MessageCodecs.Json, message).Span));
        }
    }

    [Theory]
    [InlineData("""{"streamId":7}""")]
    [InlineData("""{"streamId":null}""")]
    [InlineData("""{"streamId":{"nested":"x"}}""")]
    [InlineData("""["streamId","s_1"]""")]
    public void Json_refuses_a_payload_that_is_not_an_object_of_strings(string payload)
    {
        var json = Encoding.UTF8.GetBytes($$"""{"type":"control","id":"c","ts":1,"action":"ack","payload":{{payload}}}""");

        Assert.Throws<MalformedFrameException>(() => MessageCodecs.Json.Decode(json));
    }
}
