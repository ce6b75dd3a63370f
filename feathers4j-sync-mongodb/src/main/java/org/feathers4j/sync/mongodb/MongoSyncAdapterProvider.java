package org.feathers4j.sync.mongodb;

import java.util.Set;
import org.feathers4j.sync.SyncOptions;
import org.feathers4j.sync.spi.SyncAdapter;
import org.feathers4j.sync.spi.SyncAdapterProvider;

/** Serves {@code mongodb://} and {@code mongodb+srv://} URIs with a {@link MongoSyncAdapter}. */
public final class MongoSyncAdapterProvider implements SyncAdapterProvider {

    @Override
    public String type() {
        return "mongodb";
    }

    @Override
    public Set<String> schemes() {
        return Set.of("mongodb", "mongodb+srv");
    }

    @Override
    public SyncAdapter create(SyncOptions options) {
        return new MongoSyncAdapter(options);
    }
}
