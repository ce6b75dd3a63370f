package org.feathers4j.sync.kafka;

import java.util.Set;
import org.feathers4j.sync.SyncOptions;
import org.feathers4j.sync.spi.SyncAdapter;
import org.feathers4j.sync.spi.SyncAdapterProvider;

/** Serves {@code kafka://} URIs to {@code Sync.of(uri)}. */
public final class KafkaSyncAdapterProvider implements SyncAdapterProvider {

    /** Creates the provider (ServiceLoader). */
    public KafkaSyncAdapterProvider() {
    }

    /** {@code "kafka"}. */
    @Override
    public String type() {
        return "kafka";
    }

    /** {@link KafkaSync#SCHEMES}. */
    @Override
    public Set<String> schemes() {
        return KafkaSync.SCHEMES;
    }

    /** {@code KafkaSync.adapter(options, KafkaSyncConfig.from(options))}. */
    @Override
    public SyncAdapter create(SyncOptions options) {
        return KafkaSync.adapter(options, KafkaSyncConfig.from(options));
    }
}
