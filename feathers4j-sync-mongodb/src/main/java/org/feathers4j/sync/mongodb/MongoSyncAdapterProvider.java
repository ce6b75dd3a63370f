package org.feathers4j.sync.mongodb;

import java.util.Set;
import org.feathers4j.sync.SyncOptions;
import org.feathers4j.sync.spi.SyncAdapter;
import org.feathers4j.sync.spi.SyncAdapterProvider;

/**
 * Serves {@code mongodb://} and {@code mongodb+srv://} URIs for {@code Sync.of(...)}; found by
 * ServiceLoader. Equivalent to {@link MongoSync#adapter(SyncOptions, MongoSyncConfig)} with
 * {@link MongoSyncConfig#from(SyncOptions)}.
 */
public final class MongoSyncAdapterProvider implements SyncAdapterProvider {

    /** Made by ServiceLoader. */
    public MongoSyncAdapterProvider() {
    }

    /** {@inheritDoc} */
    @Override
    public String type() {
        return "mongodb";
    }

    /** {@inheritDoc} */
    @Override
    public Set<String> schemes() {
        return MongoSync.SCHEMES;
    }

    /** {@inheritDoc} */
    @Override
    public SyncAdapter create(SyncOptions options) {
        return MongoSync.adapter(options, MongoSyncConfig.from(options));
    }
}
