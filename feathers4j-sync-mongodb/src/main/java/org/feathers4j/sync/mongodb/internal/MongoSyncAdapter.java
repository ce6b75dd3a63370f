package org.feathers4j.sync.mongodb.internal;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadFactory;
import org.feathers4j.SyncState;
import org.feathers4j.sync.SyncException;
import org.feathers4j.sync.SyncGap;
import org.feathers4j.sync.SyncOptions;
import org.feathers4j.sync.mongodb.MongoSync;
import org.feathers4j.sync.mongodb.MongoSyncConfig;
import org.feathers4j.sync.spi.AbstractSyncAdapter;
import org.feathers4j.sync.spi.support.DaemonThreads;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Syncs through a MongoDB collection: the life cycle only. Each published message becomes one
 * document holding its bytes (any serializer works, binary ones included) and a sequence number
 * from a counter document ({@link EventStore}); one thread writes them in publish order
 * ({@link Publisher}), another reads the collection with the configured
 * {@link MongoSyncConfig.Mechanism} from the moment it started and recovers from errors where it
 * stopped ({@link ReceiveLoop}, {@link SeqTracker}). Every failure it reports is a
 * {@link SyncException}.
 *
 * <p>Made by {@link MongoSync#adapter} (and the ServiceLoader provider) from a {@code mongodb://}
 * or {@code mongodb+srv://} URI, or on a client or database you already have, which
 * {@link #close()} leaves open.
 *
 * <p>Counters, besides those of {@link AbstractSyncAdapter}: {@code malformed} (documents dropped
 * because they lack a numeric {@code _id}, a {@code key} or a binary {@code payload}),
 * {@code receiveDuplicates}, {@code staleDocuments}, {@code lateDocuments}, {@code gapsGivenUp},
 * {@code receiveErrors}, {@code readersRecreated}, {@code resumeTokensLost},
 * {@code collectionResets}, {@code publishRetries}, {@code publishBatches}.
 */
public final class MongoSyncAdapter extends AbstractSyncAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(MongoSyncAdapter.class);
    private static final ThreadFactory WRITERS = DaemonThreads.factory(MongoErrors.TYPE, "publisher");
    private static final ThreadFactory READERS = DaemonThreads.factory(MongoErrors.TYPE, "receiver");

    private final MongoSyncConfig config;
    private final ConnectionString connectionString; // null when given a client or database
    private final MongoClient givenClient;
    private final MongoDatabase givenDatabase;
    private final String redactedUri;

    private volatile MongoClient ownedClient;
    private volatile EventStore store;
    private volatile ReceiveLoop loop;
    private volatile Thread receiver;
    private volatile Publisher publisher;
    private volatile Thread writer;

    /**
     * An adapter that connects to the URI of the options ({@code uri}, or its alias the {@code db}
     * option when it is a string).
     *
     * @param options the sync options
     * @param config  the MongoDB settings
     * @throws IllegalArgumentException if the URI is missing or not a MongoDB connection string
     */
    public MongoSyncAdapter(SyncOptions options, MongoSyncConfig config) {
        this(options, config, null, null);
    }

    /**
     * An adapter on a client you already have, using the database of the {@code database}
     * setting (default {@value MongoSyncConfig#DEFAULT_DATABASE}); {@link #close()} leaves the
     * client open.
     *
     * @param client  the client
     * @param options the sync options
     * @param config  the MongoDB settings
     */
    public MongoSyncAdapter(MongoClient client, SyncOptions options, MongoSyncConfig config) {
        this(options, config, Objects.requireNonNull(client, "client"), null);
    }

    /**
     * An adapter on a database you already have; {@link #close()} leaves its client open.
     *
     * @param database the database
     * @param options  the sync options
     * @param config   the MongoDB settings
     */
    public MongoSyncAdapter(MongoDatabase database, SyncOptions options, MongoSyncConfig config) {
        this(options, config, null, Objects.requireNonNull(database, "database"));
    }

    private MongoSyncAdapter(SyncOptions options, MongoSyncConfig config, MongoClient client, MongoDatabase database) {
        super(MongoErrors.TYPE, options);
        this.config = Objects.requireNonNull(config, "config");
        this.givenClient = client;
        this.givenDatabase = database;
        if (client == null && database == null) {
            String uri = uriOf(options);
            this.redactedUri = SyncOptions.redact(uri);
            try {
                this.connectionString = new ConnectionString(withDriverOptions(uri, config.driver()));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("mongodb sync uri '" + redactedUri + "' is not a valid connection string: "
                        + e.getMessage(), e);
            }
        } else {
            this.connectionString = null;
            this.redactedUri = database != null ? "(given database " + database.getName() + ")" : "(given client)";
        }
    }

    /**
     * The connection string of the options: {@code uri}, else the {@code db} option when it is a
     * string.
     *
     * @param options the sync options
     * @return the trimmed connection string
     * @throws IllegalArgumentException if there is none, or it is not {@code mongodb://} or {@code mongodb+srv://}
     */
    public static String uriOf(SyncOptions options) {
        String uri = options.uri();
        Object db = options.options().get("db");
        if ((uri == null || uri.isBlank()) && db instanceof CharSequence s) uri = s.toString();
        if (uri == null || uri.isBlank()) {
            throw new IllegalArgumentException("mongodb sync needs a 'uri' (or 'db') such as mongodb://localhost:27017/sync, "
                    + "or an existing MongoDatabase or MongoClient (MongoSync.with)");
        }
        String scheme = uri.trim().toLowerCase(Locale.ROOT);
        if (!scheme.startsWith("mongodb://") && !scheme.startsWith("mongodb+srv://")) {
            throw new IllegalArgumentException("mongodb sync uri '" + SyncOptions.redact(uri)
                    + "' must start with mongodb:// or mongodb+srv://");
        }
        return uri.trim();
    }

    /** Appends the {@code driver} option's entries to the connection string's options. */
    static String withDriverOptions(String uri, Map<String, String> driver) {
        if (driver.isEmpty()) return uri;
        StringBuilder sb = new StringBuilder(uri);
        int hosts = uri.indexOf("://") + 3;
        if (uri.indexOf('/', hosts) < 0) sb.append('/');
        sb.append(uri.indexOf('?') < 0 ? '?' : '&');
        boolean first = true;
        for (Map.Entry<String, String> e : driver.entrySet()) {
            if (!first) sb.append('&');
            first = false;
            sb.append(URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8)).append('=')
                    .append(URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8));
        }
        return sb.toString();
    }

    @Override
    protected void doStart() {
        try {
            open();
        } catch (RuntimeException | Error e) {
            throw MongoErrors.toSyncException(e); // start() fails the adapter with it
        }
    }

    private void open() {
        MongoDatabase db;
        if (givenDatabase != null) {
            db = givenDatabase;
        } else if (givenClient != null) {
            db = givenClient.getDatabase(databaseName(null));
        } else {
            MongoClientSettings.Builder b = MongoClientSettings.builder().applyConnectionString(connectionString);
            if (connectionString.getApplicationName() == null) b.applicationName("feathers4j-sync");
            if (config.clientSettings() != null) config.clientSettings().accept(b);
            ownedClient = MongoClients.create(b.build()); // connects in the background
            db = ownedClient.getDatabase(databaseName(connectionString.getDatabase()));
        }
        store = new EventStore(db, config);
        publisher = new Publisher(store, config, options.key(), this::isClosed, this::disconnected,
                e -> unexpected("write", e));
        Thread w = WRITERS.newThread(publisher);
        writer = w;
        w.start();
        // a fixed instanceId's read position is stored, whatever its resume setting: a later run
        // with resume=LAST starts where this one stopped
        String positionId = options.instanceIdFixed() ? options.key() + "/" + options.instanceId() : null;
        loop = new ReceiveLoop(store, config, options.key(), new ReceiveHost(), options.resume(), positionId);
        Thread t = READERS.newThread(loop);
        receiver = t;
        LOG.info("mongodb sync: {} on {}, database '{}', collection '{}', key '{}'", config.mechanism().optionValue(),
                redactedUri, db.getName(), config.collection(), options.key());
        t.start();
    }

    private String databaseName(String fromUri) {
        if (config.database() != null) return config.database();
        if (fromUri != null && !fromUri.isEmpty()) return fromUri;
        return MongoSyncConfig.DEFAULT_DATABASE;
    }

    @Override
    protected CompletableFuture<Void> send(byte[] message) {
        Publisher p = publisher;
        if (p == null) {
            return CompletableFuture.failedFuture(MongoErrors.of(SyncException.Reason.INTERNAL, "mongodb sync adapter not started"));
        }
        return p.submit(message);
    }

    @Override
    protected CompletableFuture<Void> doClose() {
        Thread w = writer;
        if (w != null && w != Thread.currentThread()) {
            try {
                w.join(2_000); // let the batch in progress finish
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        Publisher p = publisher;
        if (p != null) p.failQueued();
        Thread r = receiver;
        if (options.instanceIdFixed() && r != null && r != Thread.currentThread()) {
            try {
                r.join(3_000); // it stores its position on the way out (within its 1 s await), before the client closes
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        MongoClient c = ownedClient;
        if (c != null) {
            try {
                c.close(); // ends blocked reads at once
            } catch (Throwable e) {
                LOG.warn("mongodb sync: closing the client failed: {}", e.toString(), e);
            }
        }
        Thread t = receiver;
        if (t != null && t != Thread.currentThread()) {
            try {
                t.join(3_000); // a given client stays open: the reader notices within its 1 s await
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public Map<String, Long> counters() {
        Map<String, Long> c = super.counters();
        ReceiveLoop l = loop;
        if (l != null) l.counters(c);
        Publisher p = publisher;
        c.put("publishRetries", p == null ? 0L : p.retries());
        c.put("publishBatches", p == null ? 0L : p.batches());
        return c;
    }

    /** Connects the receive loop to this adapter's protected reporting methods. */
    private final class ReceiveHost implements ReceiveLoop.Host {
        @Override
        public boolean isClosed() {
            return MongoSyncAdapter.this.isClosed();
        }

        @Override
        public void healthy() {
            if (state() != SyncState.CONNECTED) connected();
        }

        @Override
        public void disconnected(SyncException cause) {
            MongoSyncAdapter.this.disconnected(cause);
        }

        @Override
        public void failed(SyncException cause) {
            MongoSyncAdapter.this.failed(cause);
        }

        @Override
        public void deliver(byte[] payload) {
            MongoSyncAdapter.this.deliver(payload);
        }

        @Override
        public void gap(SyncGap gap) {
            MongoSyncAdapter.this.deliverGap(gap);
        }
    }
}
