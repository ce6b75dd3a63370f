package org.feathers4j.sync.memory;

import java.util.Set;
import org.feathers4j.sync.SyncOptions;
import org.feathers4j.sync.spi.SyncAdapter;
import org.feathers4j.sync.spi.SyncAdapterProvider;

/** Serves {@code memory://name}: apps in one JVM sharing a bus. */
public final class MemorySyncAdapterProvider implements SyncAdapterProvider {

    @Override
    public String type() {
        return "memory";
    }

    @Override
    public Set<String> schemes() {
        return Set.of("memory");
    }

    @Override
    public SyncAdapter create(SyncOptions options) {
        return new MemorySyncAdapter(options);
    }
}
