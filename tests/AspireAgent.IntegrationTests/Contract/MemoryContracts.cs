namespace AspireAgent.IntegrationTests.Contract;

// The in-memory bus of the single-process mode: every "node" of a test is the one process.
public sealed class StreamStoreOnMemory(MemoryTarget target) : StreamStoreContract(target), IClassFixture<MemoryTarget>;

public sealed class StreamSignalsOnMemory(MemoryTarget target) : StreamSignalsContract(target), IClassFixture<MemoryTarget>;

public sealed class RequestQueueOnMemory(MemoryTarget target) : RequestQueueContract(target), IClassFixture<MemoryTarget>;

public sealed class ConversationStoreOnMemory(MemoryTarget target) : ConversationStoreContract(target), IClassFixture<MemoryTarget>;

public sealed class AnswerQuotaOnMemory(MemoryTarget target) : AnswerQuotaContract(target), IClassFixture<MemoryTarget>;
