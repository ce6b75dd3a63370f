package org.feathers4j.sync.mongodb;

import com.mongodb.MongoClientSettings;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import org.feathers4j.sync.SyncOptions;

/**
 * The MongoDB adapter's options, read from {@link SyncOptions#option(String, Object)}, with their
 * defaults:
 *
 * <table>
 *   <caption>MongoDB options</caption>
 *   <tr><th>option</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@code uri} / {@code db}</td><td>required (or an existing client or database)</td>
 *       <td>a {@code mongodb://} or {@code mongodb+srv://} connection string; {@code db} is an alias of
 *       {@code uri} and may also be a {@code MongoDatabase} or {@code MongoClient}</td></tr>
 *   <tr><td>{@code database}</td><td>the URI's path, else {@value #DEFAULT_DATABASE}</td><td>the database name</td></tr>
 *   <tr><td>{@code collection}</td><td>{@value #DEFAULT_COLLECTION}</td><td>the event collection; its counter
 *       is kept in {@code <collection>.seq}</td></tr>
 *   <tr><td>{@code mechanism}</td><td>{@code tailable}</td><td>{@code tailable}, {@code change-stream} or
 *       {@code polling}, see {@link Mechanism}</td></tr>
 *   <tr><td>{@code size}</td><td>5 MB (5,242,880 bytes)</td><td>capped collection size in bytes (tailable)</td></tr>
 *   <tr><td>{@code max}</td><td>none</td><td>maximum number of documents: the capped collection's limit
 *       (tailable), or how many recent documents the writers keep (change-stream, polling)</td></tr>
 *   <tr><td>{@code retryInterval}</td><td>200 ms</td><td>wait when no documents are found, and the first
 *       wait after an error (doubling up to 5 s while errors last)</td></tr>
 *   <tr><td>{@code recreate}</td><td>{@code true}</td><td>recreate the cursor (or change stream) after an
 *       error; {@code false}: stop receiving (state FAILED) on the first error</td></tr>
 *   <tr><td>{@code ttl}</td><td>1 hour</td><td>documents older than this are deleted by a TTL index
 *       (change-stream, polling; capped collections cannot have one)</td></tr>
 *   <tr><td>{@code gapTimeout}</td><td>30 s</td><td>how long a reader waits for a seq allocated by a
 *       writer but not yet visible, before giving it up</td></tr>
 *   <tr><td>{@code batchSize}</td><td>500</td><td>documents fetched per query or cursor batch</td></tr>
 *   <tr><td>{@code driver}</td><td>none</td><td>a map of connection-string options passed to the driver
 *       as they are, e.g. {@code Map.of("authSource", "admin")}</td></tr>
 *   <tr><td>{@code clientSettings}</td><td>none</td><td>a {@code Consumer<MongoClientSettings.Builder>} applied
 *       after the connection string</td></tr>
 * </table>
 *
 * <p>Durations are a {@link Duration}, or a number of milliseconds.
 */
public final class MongoSyncConfig {

    /** The default collection name. */
    public static final String DEFAULT_COLLECTION = "events";
    /** The database used when neither the URI nor the {@code database} option names one. */
    public static final String DEFAULT_DATABASE = "feathers-sync";
    /** The default capped collection size: 5 MB. */
    public static final long DEFAULT_SIZE = 5L * 1024 * 1024;
    /** The default wait when no documents are found. */
    public static final Duration DEFAULT_RETRY_INTERVAL = Duration.ofMillis(200);
    /** The default time-to-live of documents in a non-capped collection. */
    public static final Duration DEFAULT_TTL = Duration.ofHours(1);
    /** The default wait for a seq that was allocated but is not visible yet. */
    public static final Duration DEFAULT_GAP_TIMEOUT = Duration.ofSeconds(30);

    /** How instances read the event collection. */
    public enum Mechanism {
        /**
         * A capped collection (created if missing) read with a tailable, await-data cursor: the
         * default, as in Node feathers-sync's MongoDB adapter. Needs MongoDB itself (standalone,
         * replica set or sharded); many MongoDB-compatible services lack capped collections.
         */
        TAILABLE("tailable"),
        /** A change stream on a plain collection: replica sets and sharded clusters only. */
        CHANGE_STREAM("change-stream"),
        /**
         * Polling a plain collection by sequence number every {@code retryInterval}: for
         * MongoDB-compatible services without capped collections or tailable cursors.
         */
        POLLING("polling");

        private final String optionValue;

        Mechanism(String optionValue) {
            this.optionValue = optionValue;
        }

        /** The value of the {@code mechanism} option. */
        public String optionValue() {
            return optionValue;
        }

        static Mechanism parse(Object v) {
            if (v == null) return TAILABLE;
            if (v instanceof Mechanism m) return m;
            String s = String.valueOf(v).trim().toLowerCase(Locale.ROOT).replace('_', '-');
            for (Mechanism m : values()) if (m.optionValue.equals(s)) return m;
            if (s.equals("changestream") || s.equals("change-streams")) return CHANGE_STREAM;
            if (s.equals("tailable-cursor") || s.equals("capped")) return TAILABLE;
            throw new IllegalArgumentException("mongodb sync option 'mechanism' must be one of tailable, change-stream, "
                    + "polling; got '" + v + "'");
        }
    }

    private final String collection;
    private final String database;
    private final Mechanism mechanism;
    private final long size;
    private final Long max;
    private final Duration retryInterval;
    private final boolean recreate;
    private final Duration ttl;
    private final Duration gapTimeout;
    private final int batchSize;
    private final Map<String, String> driver;
    private final Consumer<MongoClientSettings.Builder> clientSettings;

    private MongoSyncConfig(SyncOptions o) {
        Map<String, Object> opts = o.options();
        collection = string(opts, "collection", DEFAULT_COLLECTION);
        if (collection.isBlank() || collection.contains("$")) {
            throw new IllegalArgumentException("mongodb sync option 'collection' must be a collection name, got '" + collection + "'");
        }
        database = opts.get("database") == null ? null : string(opts, "database", null);
        mechanism = Mechanism.parse(opts.get("mechanism"));
        size = positiveLong(opts, "size", DEFAULT_SIZE);
        max = opts.get("max") == null ? null : positiveLong(opts, "max", 0);
        retryInterval = duration(opts, "retryInterval", DEFAULT_RETRY_INTERVAL);
        recreate = bool(opts, "recreate", true);
        ttl = duration(opts, "ttl", DEFAULT_TTL);
        gapTimeout = duration(opts, "gapTimeout", DEFAULT_GAP_TIMEOUT);
        batchSize = (int) Math.min(Integer.MAX_VALUE, positiveLong(opts, "batchSize", 500));
        driver = driverOptions(opts.get("driver"));
        clientSettings = settings(opts.get("clientSettings"));
    }

    /**
     * Reads the MongoDB options from sync options.
     *
     * @throws IllegalArgumentException for an option it cannot use, naming the option
     */
    public static MongoSyncConfig from(SyncOptions options) {
        return new MongoSyncConfig(options);
    }

    private static String string(Map<String, Object> o, String name, String fallback) {
        Object v = o.get(name);
        if (v == null) return fallback;
        if (v instanceof CharSequence s) return s.toString();
        throw new IllegalArgumentException("mongodb sync option '" + name + "' must be a string, got a " + v.getClass().getName());
    }

    private static long positiveLong(Map<String, Object> o, String name, long fallback) {
        Object v = o.get(name);
        if (v == null) return fallback;
        long n;
        if (v instanceof Number num) n = num.longValue();
        else {
            try {
                n = Long.parseLong(String.valueOf(v).trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("mongodb sync option '" + name + "' must be a whole number, got '" + v + "'");
            }
        }
        if (n <= 0) throw new IllegalArgumentException("mongodb sync option '" + name + "' must be positive, got " + n);
        return n;
    }

    private static Duration duration(Map<String, Object> o, String name, Duration fallback) {
        Object v = o.get(name);
        if (v == null) return fallback;
        Duration d;
        if (v instanceof Duration dur) d = dur;
        else if (v instanceof Number n) d = Duration.ofMillis(n.longValue());
        else {
            try {
                d = Duration.ofMillis(Long.parseLong(String.valueOf(v).trim()));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("mongodb sync option '" + name
                        + "' must be a Duration or a number of milliseconds, got '" + v + "'");
            }
        }
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException("mongodb sync option '" + name + "' must be positive, got " + d);
        }
        return d;
    }

    private static boolean bool(Map<String, Object> o, String name, boolean fallback) {
        Object v = o.get(name);
        if (v == null) return fallback;
        if (v instanceof Boolean b) return b;
        String s = String.valueOf(v).trim().toLowerCase(Locale.ROOT);
        if (s.equals("true")) return true;
        if (s.equals("false")) return false;
        throw new IllegalArgumentException("mongodb sync option '" + name + "' must be true or false, got '" + v + "'");
    }

    private static Map<String, String> driverOptions(Object v) {
        if (v == null) return Map.of();
        if (!(v instanceof Map<?, ?> m)) {
            throw new IllegalArgumentException("mongodb sync option 'driver' must be a map of connection-string options, "
                    + "e.g. Map.of(\"authSource\", \"admin\"); got a " + v.getClass().getName());
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : m.entrySet()) out.put(String.valueOf(e.getKey()), String.valueOf(e.getValue()));
        return Collections.unmodifiableMap(out);
    }

    @SuppressWarnings("unchecked")
    private static Consumer<MongoClientSettings.Builder> settings(Object v) {
        if (v == null) return null;
        if (v instanceof Consumer<?> c) return (Consumer<MongoClientSettings.Builder>) c;
        throw new IllegalArgumentException("mongodb sync option 'clientSettings' must be a Consumer<MongoClientSettings.Builder>, got a "
                + v.getClass().getName());
    }

    /** The event collection name. */
    public String collection() { return collection; }

    /** The counter collection name: {@code <collection>.seq}. */
    public String counterCollection() { return collection + ".seq"; }

    /** The database name from the {@code database} option, or {@code null}. */
    public String database() { return database; }

    /** The reading mechanism. */
    public Mechanism mechanism() { return mechanism; }

    /** The capped collection size in bytes. */
    public long size() { return size; }

    /** The maximum number of documents, or {@code null}. */
    public Long max() { return max; }

    /** The wait when no documents are found, and the first wait after an error. */
    public Duration retryInterval() { return retryInterval; }

    /** Whether a cursor is recreated after an error. */
    public boolean recreate() { return recreate; }

    /** The time-to-live of documents in a non-capped collection. */
    public Duration ttl() { return ttl; }

    /** How long a reader waits for an allocated seq to become visible. */
    public Duration gapTimeout() { return gapTimeout; }

    /** Documents per query or cursor batch. */
    public int batchSize() { return batchSize; }

    /** Connection-string options passed to the driver. */
    public Map<String, String> driver() { return driver; }

    /** The client settings customizer, or {@code null}. */
    public Consumer<MongoClientSettings.Builder> clientSettings() { return clientSettings; }
}
