package org.feathers4j.sync.mongodb;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoDatabase;
import java.util.Objects;
import java.util.Set;
import org.feathers4j.Plugin;
import org.feathers4j.sync.Sync;
import org.feathers4j.sync.SyncOptions;
import org.feathers4j.sync.mongodb.internal.MongoSyncAdapter;
import org.feathers4j.sync.spi.SyncAdapter;

/**
 * MongoDB sync in one call, the counterpart of Node's {@code sync.mongodb({...})}:
 *
 * <pre>{@code
 * // a connection string (the same as Sync.of("mongodb://localhost:27017/sync"))
 * app.configure(MongoSync.of("mongodb://localhost:27017/sync"));
 *
 * // options and settings
 * app.configure(MongoSync.of(SyncOptions.uri("mongodb://localhost:27017/sync"),
 *         MongoSyncConfig.builder().collection("events").mechanism(MongoSyncConfig.Mechanism.POLLING).build()));
 *
 * // an existing connection, which closing sync leaves open
 * app.configure(MongoSync.with(existingDatabase, new SyncOptions()));
 * }</pre>
 *
 * Where no {@link MongoSyncConfig} is given it is {@link MongoSyncConfig#from(SyncOptions)} of the options.
 */
public final class MongoSync {

    /** The URI schemes this adapter serves: {@code mongodb} and {@code mongodb+srv}. */
    public static final Set<String> SCHEMES = Set.of("mongodb", "mongodb+srv");

    private MongoSync() {
    }

    /**
     * Sync through the server at this connection string, with default options and settings.
     *
     * @param uri a {@code mongodb://} or {@code mongodb+srv://} connection string
     * @return the plugin to {@code configure}
     * @throws IllegalArgumentException if the URI is not a MongoDB connection string
     */
    public static Plugin of(String uri) {
        return of(SyncOptions.uri(uri));
    }

    /**
     * Sync with these options; the settings are read from them ({@link MongoSyncConfig#from}). The
     * connection is the {@code uri}, or the {@code db} option, which may be a connection string, a
     * {@link MongoDatabase} or a {@link MongoClient}.
     *
     * @param options the sync options
     * @return the plugin to {@code configure}
     * @throws IllegalArgumentException if there is no usable connection or an option is invalid
     */
    public static Plugin of(SyncOptions options) {
        return of(options, MongoSyncConfig.from(Objects.requireNonNull(options, "options")));
    }

    /**
     * Sync with these options and settings. The connection is as for {@link #of(SyncOptions)}.
     *
     * @param options the sync options
     * @param config  the MongoDB settings
     * @return the plugin to {@code configure}
     * @throws IllegalArgumentException if there is no usable connection
     */
    public static Plugin of(SyncOptions options, MongoSyncConfig config) {
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(config, "config");
        Object db = options.options().get("db");
        if (db instanceof MongoDatabase d) return with(d, options, config);
        if (db instanceof MongoClient c) return with(c, options, config);
        SyncOptions opts = options.copy();
        opts.setUri(MongoSyncAdapter.uriOf(options));
        return Sync.with(adapter(opts, config), opts);
    }

    /**
     * Sync through a database you already have; closing sync leaves its client open.
     *
     * @param database the database holding the event collection
     * @param options  the sync options; the settings are read from them
     * @return the plugin to {@code configure}
     */
    public static Plugin with(MongoDatabase database, SyncOptions options) {
        return with(database, options, MongoSyncConfig.from(options));
    }

    /**
     * Sync through a database you already have, with these settings; closing sync leaves its client open.
     *
     * @param database the database holding the event collection
     * @param options  the sync options
     * @param config   the MongoDB settings
     * @return the plugin to {@code configure}
     */
    public static Plugin with(MongoDatabase database, SyncOptions options, MongoSyncConfig config) {
        return Sync.with(adapter(database, options, config), options);
    }

    /**
     * Sync through a client you already have (database from the {@code database} setting);
     * closing sync leaves it open.
     *
     * @param client  the client
     * @param options the sync options; the settings are read from them
     * @return the plugin to {@code configure}
     */
    public static Plugin with(MongoClient client, SyncOptions options) {
        return with(client, options, MongoSyncConfig.from(options));
    }

    /**
     * Sync through a client you already have, with these settings (database from
     * {@link MongoSyncConfig#database()}); closing sync leaves it open.
     *
     * @param client  the client
     * @param options the sync options
     * @param config  the MongoDB settings
     * @return the plugin to {@code configure}
     */
    public static Plugin with(MongoClient client, SyncOptions options, MongoSyncConfig config) {
        return Sync.with(adapter(client, options, config), options);
    }

    /**
     * The adapter for {@code Sync.with(adapter, options)}, connecting to the options' URI
     * ({@code uri}, or the {@code db} option when it is a string).
     *
     * @param options the sync options
     * @param config  the MongoDB settings
     * @return a new, not yet started adapter
     * @throws IllegalArgumentException if the URI is missing or not a MongoDB connection string
     */
    public static SyncAdapter adapter(SyncOptions options, MongoSyncConfig config) {
        return new MongoSyncAdapter(Objects.requireNonNull(options, "options"), config);
    }

    /**
     * The adapter on a client you already have; closing it leaves the client open.
     *
     * @param client  the client
     * @param options the sync options
     * @param config  the MongoDB settings
     * @return a new, not yet started adapter
     */
    public static SyncAdapter adapter(MongoClient client, SyncOptions options, MongoSyncConfig config) {
        return new MongoSyncAdapter(client, Objects.requireNonNull(options, "options"), config);
    }

    /**
     * The adapter on a database you already have; closing it leaves its client open.
     *
     * @param database the database
     * @param options  the sync options
     * @param config   the MongoDB settings
     * @return a new, not yet started adapter
     */
    public static SyncAdapter adapter(MongoDatabase database, SyncOptions options, MongoSyncConfig config) {
        return new MongoSyncAdapter(database, Objects.requireNonNull(options, "options"), config);
    }
}
