package org.feathers4j.spring.boot;

import org.feathers4j.Plugin;
import org.feathers4j.sync.SyncOptions;

/**
 * Creates the sync plugin for the options the {@code feathers4j.sync.*} properties describe; the first
 * bean (in order) that returns a plugin wins, else {@code Sync.of(options)} picks the adapter by the URI's
 * scheme. The starter declares one that reuses the context's Lettuce {@code RedisClient}; declare your own
 * to reuse another client, e.g. {@code options -> AmqpSync.with(connectionFactory, options)}.
 */
@FunctionalInterface
public interface SyncPluginFactory {
    /**
     * Creates the plugin.
     *
     * @param options the sync options (URI, key, adapter options)
     * @return the plugin, or null to leave it to the next factory
     */
    Plugin create(SyncOptions options);
}
