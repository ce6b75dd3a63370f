package org.feathers4j.sync;

/** The bus attacks on the in-JVM memory bus. */
class MemoryBusSecurityTest extends BusSecurityContract {

    private final String uri = SyncTestApps.memoryUri();

    @Override
    protected SyncOptions options(String key) {
        return SyncOptions.uri(uri).key(key);
    }
}
