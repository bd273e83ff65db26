namespace AspireAgent.IntegrationTests.Contract;

// One real redis-server per class, each test on key prefixes of its own.
public sealed class StreamStoreOnRedis(RedisTarget target) : StreamStoreContract(target), IClassFixture<RedisTarget>;

public sealed class StreamSignalsOnRedis(RedisTarget target) : StreamSignalsContract(target), IClassFixture<RedisTarget>;

public sealed class RequestQueueOnRedis(RedisTarget target) : RequestQueueContract(target), IClassFixture<RedisTarget>;

public sealed class ConversationStoreOnRedis(RedisTarget target) : ConversationStoreContract(target), IClassFixture<RedisTarget>;

public sealed class AnswerQuotaOnRedis(RedisTarget target) : AnswerQuotaContract(target), IClassFixture<RedisTarget>;
