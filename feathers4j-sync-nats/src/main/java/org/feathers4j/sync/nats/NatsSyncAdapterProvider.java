package org.feathers4j.sync.nats;

import java.util.Set;
import org.feathers4j.sync.SyncOptions;
import org.feathers4j.sync.spi.SyncAdapter;
import org.feathers4j.sync.spi.SyncAdapterProvider;

/** Serves {@code nats://} and {@code tls://} URIs to {@code Sync.of(uri)}. */
public final class NatsSyncAdapterProvider implements SyncAdapterProvider {

    /** Creates the provider (ServiceLoader). */
    public NatsSyncAdapterProvider() {
    }

    /** {@code "nats"}. */
    @Override
    public String type() {
        return "nats";
    }

    /** {@link NatsSync#SCHEMES}. */
    @Override
    public Set<String> schemes() {
        return NatsSync.SCHEMES;
    }

    /** {@code NatsSync.adapter(options, NatsSyncConfig.from(options))}. */
    @Override
    public SyncAdapter create(SyncOptions options) {
        return NatsSync.adapter(options, NatsSyncConfig.from(options));
    }
}
