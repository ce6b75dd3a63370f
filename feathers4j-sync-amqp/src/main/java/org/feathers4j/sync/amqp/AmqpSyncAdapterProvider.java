package org.feathers4j.sync.amqp;

import java.util.Set;
import org.feathers4j.sync.SyncOptions;
import org.feathers4j.sync.spi.SyncAdapter;
import org.feathers4j.sync.spi.SyncAdapterProvider;

/** Serves {@code amqp://}, {@code amqps://} and {@code rabbitmq://} URIs (found by {@link java.util.ServiceLoader}). */
public final class AmqpSyncAdapterProvider implements SyncAdapterProvider {

    /** Made by {@link java.util.ServiceLoader}. */
    public AmqpSyncAdapterProvider() {
    }

    /** {@code "amqp"}. */
    @Override
    public String type() {
        return "amqp";
    }

    /** {@link AmqpSync#SCHEMES}. */
    @Override
    public Set<String> schemes() {
        return AmqpSync.SCHEMES;
    }

    /** {@code AmqpSync.adapter(options, AmqpSyncConfig.from(options))}. */
    @Override
    public SyncAdapter create(SyncOptions options) {
        return AmqpSync.adapter(options, AmqpSyncConfig.from(options));
    }
}
