package org.feathers4j.sync.nats;

import java.util.Set;
import org.feathers4j.sync.SyncOptions;
import org.feathers4j.sync.spi.SyncAdapter;
import org.feathers4j.sync.spi.SyncAdapterProvider;

/** Serves {@code nats://} and {@code tls://} URIs to {@code Sync.of(uri)}. */
public final class NatsSyncAdapterProvider implements SyncAdapterProvider {

    @Override
    public String type() {
        return "nats";
    }

    @Override
    public Set<String> schemes() {
        return NatsSync.SCHEMES;
    }

    @Override
    public SyncAdapter create(SyncOptions options) {
        return NatsSync.adapter(options);
    }
}
