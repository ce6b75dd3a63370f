package org.feathers4j.sync.mongodb;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoDatabase;
import java.util.Objects;
import org.feathers4j.Plugin;
import org.feathers4j.sync.Sync;
import org.feathers4j.sync.SyncOptions;

/**
 * MongoDB sync in one call, the counterpart of Node's {@code sync.mongodb({...})}:
 *
 * <pre>{@code
 * // a connection string (the same as Sync.of("mongodb://localhost:27017/sync"))
 * app.configure(MongoSync.of(SyncOptions.uri("mongodb://localhost:27017/sync").option("collection", "events")));
 *
 * // an existing connection, which closing sync leaves open
 * app.configure(MongoSync.with(existingDatabase, new SyncOptions().option("collection", "events")));
 * }</pre>
 */
public final class MongoSync {

    private MongoSync() {
    }

    /**
     * Sync with these options. The connection is the {@code uri}, or the {@code db} option, which
     * may be a connection string, a {@link MongoDatabase} or a {@link MongoClient}.
     *
     * @throws IllegalArgumentException if there is no usable connection or an option is invalid
     */
    public static Plugin of(SyncOptions options) {
        Objects.requireNonNull(options, "options");
        Object db = options.options().get("db");
        if (db instanceof MongoDatabase d) return with(d, options);
        if (db instanceof MongoClient c) return with(c, options);
        SyncOptions opts = options.copy();
        opts.setUri(MongoSyncAdapter.uriOf(options));
        return Sync.with(new MongoSyncAdapter(opts), opts);
    }

    /** Sync through a database you already have; closing sync leaves its client open. */
    public static Plugin with(MongoDatabase database, SyncOptions options) {
        return Sync.with(MongoSyncAdapter.using(database, options), options);
    }

    /** Sync through a client you already have (database from the {@code database} option); closing sync leaves it open. */
    public static Plugin with(MongoClient client, SyncOptions options) {
        return Sync.with(MongoSyncAdapter.using(client, options), options);
    }
}
