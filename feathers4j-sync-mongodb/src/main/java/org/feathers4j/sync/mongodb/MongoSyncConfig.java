package org.feathers4j.sync.mongodb;

import com.mongodb.MongoClientSettings;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import org.feathers4j.sync.SyncOptions;
import org.feathers4j.sync.spi.support.OptionReader;
import org.feathers4j.sync.spi.support.SyncAssert;

/**
 * The MongoDB adapter's settings, immutable. Made with {@link #create()} (all defaults),
 * {@link #builder()}, or {@link #from(SyncOptions)} (the options set with
 * {@link SyncOptions#option(String, Object)}, read with the sync option grammar: durations as
 * {@code 500ms}, {@code 5s}, {@code PT5S} or milliseconds). The module README lists every option
 * with its default and meaning.
 *
 * <pre>{@code
 * MongoSyncConfig config = MongoSyncConfig.builder()
 *         .mechanism(MongoSyncConfig.Mechanism.POLLING)
 *         .retryInterval(Duration.ofMillis(100))
 *         .build();
 * app.configure(MongoSync.of(SyncOptions.uri("mongodb://localhost:27017/sync"), config));
 * }</pre>
 */
public final class MongoSyncConfig {

    /** Default of {@code collection}: the event collection's name. */
    public static final String DEFAULT_COLLECTION = "events";
    /** Default of {@code database}, used when neither the option nor the URI's path names one. */
    public static final String DEFAULT_DATABASE = "feathers-sync";
    /** Default of {@code mechanism}: a capped collection read with a tailable cursor. */
    public static final Mechanism DEFAULT_MECHANISM = Mechanism.TAILABLE;
    /** Default of {@code size}: a capped collection of 5 MB (5,242,880 bytes). */
    public static final long DEFAULT_SIZE = 5L * 1024 * 1024;
    /** Default of {@code retryInterval}: the wait when no documents are found, and the first wait after an error. */
    public static final Duration DEFAULT_RETRY_INTERVAL = Duration.ofMillis(200);
    /** Default of {@code recreate}: readers are made again after an error. */
    public static final boolean DEFAULT_RECREATE = true;
    /** Default of {@code ttl}: documents of a non-capped collection live one hour. */
    public static final Duration DEFAULT_TTL = Duration.ofHours(1);
    /** Default of {@code gapTimeout}: the wait for a seq that was allocated but is not visible yet. */
    public static final Duration DEFAULT_GAP_TIMEOUT = Duration.ofSeconds(30);
    /** Default of {@code batchSize}: documents per query or cursor batch. */
    public static final int DEFAULT_BATCH_SIZE = 500;
    /** Default of {@code positionInterval}: how often a fixed instanceId's read position is stored. */
    public static final Duration DEFAULT_POSITION_INTERVAL = Duration.ofSeconds(1);

    private static final String TYPE = "mongodb";

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

        /**
         * The value of the {@code mechanism} option.
         *
         * @return {@code tailable}, {@code change-stream} or {@code polling}
         */
        public String optionValue() {
            return optionValue;
        }

        /**
         * The mechanism an option value names: a {@link Mechanism}, or its option value in any case,
         * {@code _} for {@code -} allowed.
         *
         * @param value the option value
         * @return the mechanism
         * @throws IllegalArgumentException if it names none
         */
        static Mechanism parse(Object value) {
            SyncAssert.notNull(option("mechanism"), value);
            if (value instanceof Mechanism m) return m;
            String s = String.valueOf(value).trim().toLowerCase(Locale.ROOT).replace('_', '-');
            for (Mechanism m : values()) if (m.optionValue.equals(s)) return m;
            if (s.equals("changestream") || s.equals("change-streams")) return CHANGE_STREAM;
            if (s.equals("tailable-cursor") || s.equals("capped")) return TAILABLE;
            throw new IllegalArgumentException("mongodb sync option 'mechanism' must be one of tailable, change-stream, "
                    + "polling; got '" + value + "'");
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
    private final Duration positionInterval;
    private final Map<String, String> driver;
    private final Consumer<MongoClientSettings.Builder> clientSettings;

    private MongoSyncConfig(Builder b) {
        this.collection = b.collection;
        this.database = b.database;
        this.mechanism = b.mechanism;
        this.size = b.size;
        this.max = b.max;
        this.retryInterval = b.retryInterval;
        this.recreate = b.recreate;
        this.ttl = b.ttl;
        this.gapTimeout = b.gapTimeout;
        this.batchSize = b.batchSize;
        this.positionInterval = b.positionInterval;
        this.driver = Collections.unmodifiableMap(new LinkedHashMap<>(b.driver));
        this.clientSettings = b.clientSettings;
    }

    /**
     * The settings with every default.
     *
     * @return the default settings
     */
    public static MongoSyncConfig create() {
        return builder().build();
    }

    /**
     * A builder starting from the defaults.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A builder starting from these settings.
     *
     * @return a new builder with this config's values
     */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.collection = collection;
        b.database = database;
        b.mechanism = mechanism;
        b.size = size;
        b.max = max;
        b.retryInterval = retryInterval;
        b.recreate = recreate;
        b.ttl = ttl;
        b.gapTimeout = gapTimeout;
        b.batchSize = batchSize;
        b.positionInterval = positionInterval;
        b.driver = new LinkedHashMap<>(driver);
        b.clientSettings = clientSettings;
        return b;
    }

    /**
     * The defaults, overridden by the options of {@code options} that are set.
     *
     * @param options sync options whose {@link SyncOptions#options()} hold the MongoDB options
     * @return the settings
     * @throws IllegalArgumentException for an option it cannot use, naming the option
     */
    @SuppressWarnings("unchecked")
    public static MongoSyncConfig from(SyncOptions options) {
        OptionReader r = OptionReader.of(TYPE, Objects.requireNonNull(options, "options"));
        Builder b = builder()
                .collection(r.string("collection", DEFAULT_COLLECTION))
                .database(r.string("database", null))
                .size(r.longValue("size", DEFAULT_SIZE))
                .retryInterval(r.duration("retryInterval", DEFAULT_RETRY_INTERVAL))
                .recreate(r.bool("recreate", DEFAULT_RECREATE))
                .ttl(r.duration("ttl", DEFAULT_TTL))
                .gapTimeout(r.duration("gapTimeout", DEFAULT_GAP_TIMEOUT))
                .batchSize(r.integer("batchSize", DEFAULT_BATCH_SIZE))
                .positionInterval(r.duration("positionInterval", DEFAULT_POSITION_INTERVAL));
        if (r.has("mechanism")) b.mechanism(Mechanism.parse(r.raw("mechanism")));
        if (r.has("max")) b.max(r.longValue("max", 0));
        Map<?, ?> driver = r.instance("driver", Map.class, null);
        if (driver != null) {
            Map<String, String> d = new LinkedHashMap<>();
            driver.forEach((k, v) -> d.put(String.valueOf(k), String.valueOf(v)));
            b.driver(d);
        }
        b.clientSettings(r.instance("clientSettings", Consumer.class, null));
        return b.build();
    }

    private static String option(String name) {
        return TYPE + " sync option '" + name + "'";
    }

    /**
     * The event collection's name.
     *
     * @return option {@code collection}
     */
    public String collection() {
        return collection;
    }

    /**
     * The counter collection's name, derived from {@link #collection()}: {@code <collection>.seq}.
     *
     * @return the counter collection's name
     */
    public String counterCollection() {
        return collection + ".seq";
    }

    /**
     * The collection of stored read positions, derived from {@link #collection()}:
     * {@code <collection>.positions}.
     *
     * @return the position collection's name
     */
    public String positionCollection() {
        return collection + ".positions";
    }

    /**
     * How often a reader with a fixed instanceId stores its read position (also on close).
     *
     * @return option {@code positionInterval}
     */
    public Duration positionInterval() {
        return positionInterval;
    }

    /**
     * The database name set with option {@code database}; when {@code null}, the URI's path names
     * it, else {@link #DEFAULT_DATABASE}.
     *
     * @return option {@code database}, or {@code null}
     */
    public String database() {
        return database;
    }

    /**
     * How the event collection is read.
     *
     * @return option {@code mechanism}
     */
    public Mechanism mechanism() {
        return mechanism;
    }

    /**
     * The capped collection's size in bytes ({@code tailable}).
     *
     * @return option {@code size}
     */
    public long size() {
        return size;
    }

    /**
     * The maximum number of documents: the capped collection's limit ({@code tailable}), or how
     * many recent documents the writers keep ({@code change-stream}, {@code polling}).
     *
     * @return option {@code max}, or {@code null} for none
     */
    public Long max() {
        return max;
    }

    /**
     * The wait when no documents are found, and the first wait after an error.
     *
     * @return option {@code retryInterval}
     */
    public Duration retryInterval() {
        return retryInterval;
    }

    /**
     * Whether a reader is made again after an error ({@code false}: the adapter fails).
     *
     * @return option {@code recreate}
     */
    public boolean recreate() {
        return recreate;
    }

    /**
     * The time-to-live of documents in a non-capped collection.
     *
     * @return option {@code ttl}
     */
    public Duration ttl() {
        return ttl;
    }

    /**
     * How long a reader waits for an allocated seq to become visible.
     *
     * @return option {@code gapTimeout}
     */
    public Duration gapTimeout() {
        return gapTimeout;
    }

    /**
     * Documents per query or cursor batch.
     *
     * @return option {@code batchSize}
     */
    public int batchSize() {
        return batchSize;
    }

    /**
     * Connection-string options passed to the driver as they are.
     *
     * @return option {@code driver}, unmodifiable, empty for none
     */
    public Map<String, String> driver() {
        return driver;
    }

    /**
     * The customizer applied to the client settings after the connection string.
     *
     * @return option {@code clientSettings}, or {@code null}
     */
    public Consumer<MongoClientSettings.Builder> clientSettings() {
        return clientSettings;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) return true;
        if (!(o instanceof MongoSyncConfig c)) return false;
        return size == c.size && recreate == c.recreate && batchSize == c.batchSize && collection.equals(c.collection)
                && Objects.equals(database, c.database) && mechanism == c.mechanism && Objects.equals(max, c.max)
                && retryInterval.equals(c.retryInterval) && ttl.equals(c.ttl) && gapTimeout.equals(c.gapTimeout)
                && positionInterval.equals(c.positionInterval) && driver.equals(c.driver) && Objects.equals(clientSettings, c.clientSettings);
    }

    @Override
    public int hashCode() {
        return Objects.hash(collection, database, mechanism, size, max, retryInterval, recreate, ttl, gapTimeout,
                batchSize, positionInterval, driver, clientSettings);
    }

    /** The settings; {@code driver} shows its option names only (values may be secrets). */
    @Override
    public String toString() {
        return "MongoSyncConfig{collection=" + collection + ", database=" + database + ", mechanism="
                + mechanism.optionValue() + ", size=" + size + ", max=" + max + ", retryInterval="
                + OptionReader.format(retryInterval) + ", recreate=" + recreate + ", ttl=" + OptionReader.format(ttl)
                + ", gapTimeout=" + OptionReader.format(gapTimeout) + ", batchSize=" + batchSize + ", positionInterval="
                + OptionReader.format(positionInterval) + ", driver="
                + driver.keySet() + ", clientSettings=" + (clientSettings == null ? "none" : "set") + "}";
    }

    /** Builds a {@link MongoSyncConfig}; starts from the defaults. Each method checks its value. */
    public static final class Builder {

        private String collection = DEFAULT_COLLECTION;
        private String database;
        private Mechanism mechanism = DEFAULT_MECHANISM;
        private long size = DEFAULT_SIZE;
        private Long max;
        private Duration retryInterval = DEFAULT_RETRY_INTERVAL;
        private boolean recreate = DEFAULT_RECREATE;
        private Duration ttl = DEFAULT_TTL;
        private Duration gapTimeout = DEFAULT_GAP_TIMEOUT;
        private int batchSize = DEFAULT_BATCH_SIZE;
        private Duration positionInterval = DEFAULT_POSITION_INTERVAL;
        private Map<String, String> driver = new LinkedHashMap<>();
        private Consumer<MongoClientSettings.Builder> clientSettings;

        private Builder() {
        }

        /**
         * The event collection; its counter is kept in {@code <collection>.seq}.
         *
         * @param collection a collection name: not blank, without {@code $}
         * @return this builder
         */
        public Builder collection(String collection) {
            SyncAssert.notEmpty(option("collection"), collection);
            SyncAssert.isTrue(!collection.contains("$"),
                    () -> option("collection") + " must be a collection name, got '" + collection + "'");
            this.collection = collection;
            return this;
        }

        /**
         * The database; {@code null}: the URI's path, else {@link #DEFAULT_DATABASE}.
         *
         * @param database a database name, or {@code null}
         * @return this builder
         */
        public Builder database(String database) {
            SyncAssert.isTrue(database == null || !database.isBlank(), () -> option("database") + " must not be blank");
            this.database = database;
            return this;
        }

        /**
         * How instances read the event collection.
         *
         * @param mechanism the mechanism
         * @return this builder
         */
        public Builder mechanism(Mechanism mechanism) {
            this.mechanism = SyncAssert.notNull(option("mechanism"), mechanism);
            return this;
        }

        /**
         * The capped collection's size in bytes ({@code tailable}).
         *
         * @param size bytes, &gt; 0
         * @return this builder
         */
        public Builder size(long size) {
            this.size = SyncAssert.atLeast(option("size"), size, 1);
            return this;
        }

        /**
         * The maximum number of documents: the capped collection's limit ({@code tailable}), or
         * how many recent documents the writers keep ({@code change-stream}, {@code polling}).
         *
         * @param max documents, &gt; 0, or {@code null} for no limit
         * @return this builder
         */
        public Builder max(Long max) {
            if (max != null) SyncAssert.atLeast(option("max"), max, 1);
            this.max = max;
            return this;
        }

        /**
         * The wait when no documents are found, and the first wait after an error (doubling up to
         * 5 s while errors last).
         *
         * @param retryInterval &gt; 0
         * @return this builder
         */
        public Builder retryInterval(Duration retryInterval) {
            this.retryInterval = SyncAssert.positive(option("retryInterval"), retryInterval);
            return this;
        }

        /**
         * Whether a reader is made again after an error; {@code false}: the adapter fails on the
         * first reader error.
         *
         * @param recreate whether to recreate
         * @return this builder
         */
        public Builder recreate(boolean recreate) {
            this.recreate = recreate;
            return this;
        }

        /**
         * The time-to-live of documents in a non-capped collection ({@code change-stream}, {@code polling}).
         *
         * @param ttl &gt; 0
         * @return this builder
         */
        public Builder ttl(Duration ttl) {
            this.ttl = SyncAssert.positive(option("ttl"), ttl);
            return this;
        }

        /**
         * How long a reader waits for a seq allocated by a writer but not yet visible, before
         * giving it up.
         *
         * @param gapTimeout &gt; 0
         * @return this builder
         */
        public Builder gapTimeout(Duration gapTimeout) {
            this.gapTimeout = SyncAssert.positive(option("gapTimeout"), gapTimeout);
            return this;
        }

        /**
         * Documents fetched per query or cursor batch.
         *
         * @param batchSize &gt; 0
         * @return this builder
         */
        public Builder batchSize(int batchSize) {
            this.batchSize = (int) SyncAssert.atLeast(option("batchSize"), batchSize, 1);
            return this;
        }

        /**
         * How often a reader whose instanceId is fixed stores its read position (the last seq
         * delivered, or the change stream's resume token) for {@code resume=LAST}; it is stored on
         * close too. After a crash, up to this much is delivered again.
         *
         * @param positionInterval &gt; 0
         * @return this builder
         */
        public Builder positionInterval(Duration positionInterval) {
            this.positionInterval = SyncAssert.positive(option("positionInterval"), positionInterval);
            return this;
        }

        /**
         * Connection-string options passed to the driver as they are, e.g. {@code Map.of("authSource", "admin")}.
         * Used only when the adapter makes its own client from a URI.
         *
         * @param driver option names and values
         * @return this builder
         */
        public Builder driver(Map<String, String> driver) {
            SyncAssert.notNull(option("driver"), driver);
            this.driver = new LinkedHashMap<>(driver);
            return this;
        }

        /**
         * A customizer applied to the client settings after the connection string. Used only when
         * the adapter makes its own client from a URI.
         *
         * @param clientSettings the customizer, or {@code null} for none
         * @return this builder
         */
        public Builder clientSettings(Consumer<MongoClientSettings.Builder> clientSettings) {
            this.clientSettings = clientSettings;
            return this;
        }

        /**
         * The settings.
         *
         * @return a new immutable config
         */
        public MongoSyncConfig build() {
            return new MongoSyncConfig(this);
        }
    }
}
