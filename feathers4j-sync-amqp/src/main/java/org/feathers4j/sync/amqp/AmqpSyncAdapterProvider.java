package org.feathers4j.sync.amqp;

import java.util.Set;
import org.feathers4j.sync.SyncOptions;
import org.feathers4j.sync.spi.SyncAdapter;
import org.feathers4j.sync.spi.SyncAdapterProvider;

/** Serves {@code amqp://}, {@code amqps://} and {@code rabbitmq://} URIs (found by {@link java.util.ServiceLoader}). */
public final class AmqpSyncAdapterProvider implements SyncAdapterProvider {

    @Override
    public String type() {
        return "amqp";
    }

    @Override
    public Set<String> schemes() {
        return AmqpSync.SCHEMES;
    }

    @Override
    public SyncAdapter create(SyncOptions options) {
        return AmqpSync.adapter(options);
    }
}
