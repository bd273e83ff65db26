namespace AspireAgent.IntegrationTests.Contract;

// One real three-master Redis Cluster per class, each test on key prefixes of its own.
public sealed class StreamStoreOnRedisCluster(RedisClusterTarget target) : StreamStoreContract(target), IClassFixture<RedisClusterTarget>;

public sealed class StreamSignalsOnRedisCluster(RedisClusterTarget target) : StreamSignalsContract(target), IClassFixture<RedisClusterTarget>;

public sealed class RequestQueueOnRedisCluster(RedisClusterTarget target) : RequestQueueContract(target), IClassFixture<RedisClusterTarget>;

public sealed class ConversationStoreOnRedisCluster(RedisClusterTarget target) : ConversationStoreContract(target), IClassFixture<RedisClusterTarget>;

public sealed class AnswerQuotaOnRedisCluster(RedisClusterTarget target) : AnswerQuotaContract(target), IClassFixture<RedisClusterTarget>;
