package org.feathers4j.sync;

/** The adapter contract against the in-JVM memory bus. */
class MemoryContractTest extends SyncAdapterContract {

    private final String bus = SyncTestApps.memoryUri(); // one bus per test

    @Override
    protected SyncOptions options(String key) {
        return SyncOptions.uri(bus).key(key);
    }
}
