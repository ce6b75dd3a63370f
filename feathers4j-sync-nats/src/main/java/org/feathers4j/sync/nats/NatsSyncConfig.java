package org.feathers4j.sync.nats;

import io.nats.client.Options;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import org.feathers4j.sync.SyncOptions;
import org.feathers4j.sync.spi.support.OptionReader;
import org.feathers4j.sync.spi.support.SyncAssert;

/**
 * The NATS settings of the sync adapter, immutable. Make one with {@link #create()} (all defaults),
 * {@link #builder()}, {@link #toBuilder()} or {@link #from(SyncOptions)} (the defaults overridden by
 * the options set with {@code SyncOptions.option(name, value)}); each setting has the name of its
 * option. The module README has the table of options; the defaults are the {@code DEFAULT_*}
 * constants.
 *
 * <pre>{@code
 * NatsSyncConfig config = NatsSyncConfig.builder()
 *         .servers(List.of("nats://n2:4222"))
 *         .maxReconnects(120)
 *         .natsOptions(b -> b.sslContext(mySslContext))
 *         .build();
 * app.configure(NatsSync.of(SyncOptions.uri("tls://n1:4222"), config));
 * }</pre>
 *
 * <p>{@link #toString()} never shows a password, token or the credentials of a server URL.
 */
public final class NatsSyncConfig {

    /** Attempts of the first connection, and after each loss, before giving up: {@code -1}, never give up. */
    public static final int DEFAULT_MAX_RECONNECTS = -1;
    /**
     * Pause between connection attempts on the same server (the first attempt after a loss is made at once):
     * 500 ms, so that an instance is back within about half a second of the server, for two cheap attempts per
     * second while it is down.
     */
    public static final Duration DEFAULT_RECONNECT_WAIT = Duration.ofMillis(500);
    /** Random extra pause between attempts, so that instances do not all retry at once: 100 ms. */
    public static final Duration DEFAULT_RECONNECT_JITTER = Duration.ofMillis(100);
    /**
     * How long sync keeps buffering after a (re)connection that needed retries before it publishes: 750 ms, more
     * than {@link #DEFAULT_RECONNECT_WAIT} plus {@link #DEFAULT_RECONNECT_JITTER}, so that the other instances,
     * retrying on the same schedule, have subscribed again.
     */
    public static final Duration DEFAULT_RESUME_DELAY = Duration.ofMillis(750);
    /** Bytes the client itself holds for messages handed to it while the socket drops: 8 MiB (the client's default). */
    public static final long DEFAULT_RECONNECT_BUFFER_SIZE = 8L * 1024 * 1024;
    /** Time allowed for one connection attempt: 2 s. */
    public static final Duration DEFAULT_CONNECTION_TIMEOUT = Duration.ofSeconds(2);
    /** Interval of the client's pings (2 unanswered ones: connection lost): 10 s. */
    public static final Duration DEFAULT_PING_INTERVAL = Duration.ofSeconds(10);
    /** The name the server shows for the connection: {@code feathers4j-sync}. */
    public static final String DEFAULT_CONNECTION_NAME = "feathers4j-sync";
    /** Core publish/subscribe (wire-compatible with Node feathers-sync), not JetStream. */
    public static final Mode DEFAULT_MODE = Mode.CORE;
    /** JetStream mode: the most messages the stream keeps (oldest removed first): 1,000,000. */
    public static final long DEFAULT_STREAM_MAX_MESSAGES = 1_000_000L;
    /** JetStream mode: the most bytes the stream keeps: 1 GiB. */
    public static final long DEFAULT_STREAM_MAX_BYTES = 1024L * 1024 * 1024;
    /** JetStream mode: how long the stream keeps a message: 24 h. */
    public static final Duration DEFAULT_STREAM_MAX_AGE = Duration.ofHours(24);
    /** JetStream mode: where the server stores the stream: on disk (kept across a server restart). */
    public static final StreamStorage DEFAULT_STREAM_STORAGE = StreamStorage.FILE;
    /** JetStream mode: how long the server remembers a message id to drop a re-sent copy: 2 min. */
    public static final Duration DEFAULT_DUPLICATE_WINDOW = Duration.ofMinutes(2);
    /** JetStream mode: how long a publish waits for the server's acknowledgement before it is sent again: 5 s. */
    public static final Duration DEFAULT_PUBLISH_TIMEOUT = Duration.ofSeconds(5);
    /**
     * JetStream mode: the most publishes sent and not yet acknowledged: 1, which keeps the order
     * through a lost connection (with {@code batch} on, the events raised meanwhile leave together).
     */
    public static final int DEFAULT_PUBLISH_WINDOW = 1;
    /** JetStream mode: the most received messages the client holds ahead of the application: 256. */
    public static final int DEFAULT_CONSUMER_BATCH = 256;
    /** JetStream mode: how often the last delivered stream sequence is stored for {@code resume=LAST}: 1 s. */
    public static final Duration DEFAULT_CURSOR_INTERVAL = Duration.ofSeconds(1);
    /** JetStream mode: the key-value bucket that holds the stored positions: {@code feathers4j-sync-cursors}. */
    public static final String DEFAULT_CURSOR_BUCKET = "feathers4j-sync-cursors";

    /** How the adapter uses NATS. */
    public enum Mode {
        /**
         * Core publish/subscribe: at-most-once, nothing kept for a disconnected instance; speaks
         * Node feathers-sync's wire format (the default).
         */
        CORE,
        /**
         * JetStream: a stream per key keeps the messages, publishes are acknowledged by the server,
         * each instance reads the stream in order and resumes where it was after a reconnection.
         * Java instances only (Node feathers-sync speaks core NATS).
         */
        JETSTREAM;

        /**
         * The mode named {@code core} or {@code jetstream} (any case).
         *
         * @throws IllegalArgumentException naming the accepted values otherwise
         */
        public static Mode parse(String name) {
            String n = name == null ? "" : name.trim();
            for (Mode m : values()) if (m.name().equalsIgnoreCase(n)) return m;
            throw new IllegalArgumentException("nats sync option 'mode': unknown mode '" + name
                    + "'; use 'core' (publish/subscribe, the default) or 'jetstream'");
        }
    }

    /** Where a JetStream server stores the stream. */
    public enum StreamStorage {
        /** On disk: kept across a server restart. */
        FILE,
        /** In memory: lost when the server stops. */
        MEMORY;

        /**
         * The storage named {@code file} or {@code memory} (any case).
         *
         * @throws IllegalArgumentException naming the accepted values otherwise
         */
        public static StreamStorage parse(String name) {
            String n = name == null ? "" : name.trim();
            for (StreamStorage m : values()) if (m.name().equalsIgnoreCase(n)) return m;
            throw new IllegalArgumentException("nats sync option 'streamStorage': unknown storage '" + name
                    + "'; use 'file' (the default) or 'memory'");
        }
    }

    private final List<String> servers;
    private final int maxReconnects;
    private final Duration reconnectWait;
    private final Duration reconnectJitter;
    private final Duration resumeDelay;
    private final long reconnectBufferSize;
    private final Duration connectionTimeout;
    private final Duration pingInterval;
    private final String connectionName;
    private final String user;
    private final String password;
    private final String token;
    private final String credentials;
    private final Consumer<Options.Builder> natsOptions;
    private final Mode mode;
    private final String streamName;
    private final long streamMaxMessages;
    private final long streamMaxBytes;
    private final Duration streamMaxAge;
    private final StreamStorage streamStorage;
    private final Duration duplicateWindow;
    private final Duration publishTimeout;
    private final int publishWindow;
    private final int consumerBatch;
    private final Duration cursorInterval;
    private final String cursorBucket;

    private NatsSyncConfig(Builder b) {
        this.servers = List.copyOf(b.servers);
        this.maxReconnects = b.maxReconnects;
        this.reconnectWait = b.reconnectWait;
        this.reconnectJitter = b.reconnectJitter;
        this.resumeDelay = b.resumeDelay;
        this.reconnectBufferSize = b.reconnectBufferSize;
        this.connectionTimeout = b.connectionTimeout;
        this.pingInterval = b.pingInterval;
        this.connectionName = b.connectionName;
        this.user = b.user;
        this.password = b.password;
        this.token = b.token;
        this.credentials = b.credentials;
        this.natsOptions = b.natsOptions;
        this.mode = b.mode;
        this.streamName = b.streamName;
        this.streamMaxMessages = b.streamMaxMessages;
        this.streamMaxBytes = b.streamMaxBytes;
        this.streamMaxAge = b.streamMaxAge;
        this.streamStorage = b.streamStorage;
        this.duplicateWindow = b.duplicateWindow;
        this.publishTimeout = b.publishTimeout;
        this.publishWindow = b.publishWindow;
        this.consumerBatch = b.consumerBatch;
        this.cursorInterval = b.cursorInterval;
        this.cursorBucket = b.cursorBucket;
    }

    /** The settings with every default. */
    public static NatsSyncConfig create() {
        return builder().build();
    }

    /** A builder starting from the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from these settings. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.servers = servers;
        b.maxReconnects = maxReconnects;
        b.reconnectWait = reconnectWait;
        b.reconnectJitter = reconnectJitter;
        b.resumeDelay = resumeDelay;
        b.reconnectBufferSize = reconnectBufferSize;
        b.connectionTimeout = connectionTimeout;
        b.pingInterval = pingInterval;
        b.connectionName = connectionName;
        b.user = user;
        b.password = password;
        b.token = token;
        b.credentials = credentials;
        b.natsOptions = natsOptions;
        b.mode = mode;
        b.streamName = streamName;
        b.streamMaxMessages = streamMaxMessages;
        b.streamMaxBytes = streamMaxBytes;
        b.streamMaxAge = streamMaxAge;
        b.streamStorage = streamStorage;
        b.duplicateWindow = duplicateWindow;
        b.publishTimeout = publishTimeout;
        b.publishWindow = publishWindow;
        b.consumerBatch = consumerBatch;
        b.cursorInterval = cursorInterval;
        b.cursorBucket = cursorBucket;
        return b;
    }

    /**
     * The defaults overridden by the adapter options set with {@code SyncOptions.option(name, value)},
     * read with {@link OptionReader} (durations as {@code 500ms}, {@code 5s}, {@code PT5S} or
     * milliseconds; {@code servers} as a collection, an array or a comma-separated string).
     *
     * @throws IllegalArgumentException naming the option when a value is of the wrong kind or out of range
     */
    @SuppressWarnings("unchecked")
    public static NatsSyncConfig from(SyncOptions options) {
        OptionReader r = OptionReader.of("nats", Objects.requireNonNull(options, "options"));
        return builder()
                .servers(r.list("servers", List.of()))
                .maxReconnects(r.integer("maxReconnects", DEFAULT_MAX_RECONNECTS))
                .reconnectWait(r.duration("reconnectWait", DEFAULT_RECONNECT_WAIT))
                .reconnectJitter(r.duration("reconnectJitter", DEFAULT_RECONNECT_JITTER))
                .resumeDelay(r.duration("resumeDelay", DEFAULT_RESUME_DELAY))
                .reconnectBufferSize(r.longValue("reconnectBufferSize", DEFAULT_RECONNECT_BUFFER_SIZE))
                .connectionTimeout(r.duration("connectionTimeout", DEFAULT_CONNECTION_TIMEOUT))
                .pingInterval(r.duration("pingInterval", DEFAULT_PING_INTERVAL))
                .connectionName(r.string("connectionName", DEFAULT_CONNECTION_NAME))
                .user(r.string("user", null))
                .password(r.string("password", null))
                .token(r.string("token", null))
                .credentials(r.string("credentials", null))
                .natsOptions(r.instance("natsOptions", Consumer.class, null))
                .mode(r.has("mode") ? Mode.parse(r.string("mode", null)) : DEFAULT_MODE)
                .streamName(r.string("streamName", null))
                .streamMaxMessages(r.longValue("streamMaxMessages", DEFAULT_STREAM_MAX_MESSAGES))
                .streamMaxBytes(r.longValue("streamMaxBytes", DEFAULT_STREAM_MAX_BYTES))
                .streamMaxAge(r.duration("streamMaxAge", DEFAULT_STREAM_MAX_AGE))
                .streamStorage(r.has("streamStorage") ? StreamStorage.parse(r.string("streamStorage", null)) : DEFAULT_STREAM_STORAGE)
                .duplicateWindow(r.duration("duplicateWindow", DEFAULT_DUPLICATE_WINDOW))
                .publishTimeout(r.duration("publishTimeout", DEFAULT_PUBLISH_TIMEOUT))
                .publishWindow(r.integer("publishWindow", DEFAULT_PUBLISH_WINDOW))
                .consumerBatch(r.integer("consumerBatch", DEFAULT_CONSUMER_BATCH))
                .cursorInterval(r.duration("cursorInterval", DEFAULT_CURSOR_INTERVAL))
                .cursorBucket(r.string("cursorBucket", DEFAULT_CURSOR_BUCKET))
                .build();
    }

    /** More server URLs besides the URI; the client picks among them and fails over. Empty by default. */
    public List<String> servers() {
        return servers;
    }

    /** Attempts of the first connection, and after each loss, before giving up; {@code -1}: never give up. */
    public int maxReconnects() {
        return maxReconnects;
    }

    /** Pause between connection attempts on the same server. */
    public Duration reconnectWait() {
        return reconnectWait;
    }

    /** Random extra pause added to {@link #reconnectWait()}. */
    public Duration reconnectJitter() {
        return reconnectJitter;
    }

    /** How long sync keeps buffering after a (re)connection that needed retries before it publishes again. */
    public Duration resumeDelay() {
        return resumeDelay;
    }

    /** Bytes of the client's own reconnect buffer ({@code 0}: none). */
    public long reconnectBufferSize() {
        return reconnectBufferSize;
    }

    /** Time allowed for one connection attempt. */
    public Duration connectionTimeout() {
        return connectionTimeout;
    }

    /** Interval of the client's pings. */
    public Duration pingInterval() {
        return pingInterval;
    }

    /** The name the server shows for the connection. */
    public String connectionName() {
        return connectionName;
    }

    /** The user name, or {@code null}. */
    public String user() {
        return user;
    }

    /** The password, or {@code null}. */
    public String password() {
        return password;
    }

    /** The authentication token, or {@code null}. */
    public String token() {
        return token;
    }

    /** The path of a {@code .creds} file (JWT + NKey), or {@code null}. */
    public String credentials() {
        return credentials;
    }

    /**
     * The hook for any other client setting, applied last to the jnats {@link Options.Builder} the
     * adapter connects with, or {@code null}. The connection and error listeners stay the adapter's own.
     */
    public Consumer<Options.Builder> natsOptions() {
        return natsOptions;
    }

    /** Core publish/subscribe or JetStream. */
    public Mode mode() {
        return mode;
    }

    /** JetStream mode: the stream's name, or {@code null} to derive it from the key ({@code FEATHERS4J_SYNC_<key>}). */
    public String streamName() {
        return streamName;
    }

    /** JetStream mode: the most messages the stream keeps ({@code -1}: no limit). */
    public long streamMaxMessages() {
        return streamMaxMessages;
    }

    /** JetStream mode: the most bytes the stream keeps ({@code -1}: no limit). */
    public long streamMaxBytes() {
        return streamMaxBytes;
    }

    /** JetStream mode: how long the stream keeps a message ({@code 0}: no limit). */
    public Duration streamMaxAge() {
        return streamMaxAge;
    }

    /** JetStream mode: where the server stores a stream this adapter creates. */
    public StreamStorage streamStorage() {
        return streamStorage;
    }

    /** JetStream mode: how long the server remembers a message id (a re-sent copy within it is stored once). */
    public Duration duplicateWindow() {
        return duplicateWindow;
    }

    /** JetStream mode: how long a publish waits for its acknowledgement before it is sent again. */
    public Duration publishTimeout() {
        return publishTimeout;
    }

    /** JetStream mode: the most publishes sent and not yet acknowledged. */
    public int publishWindow() {
        return publishWindow;
    }

    /** JetStream mode: the most received messages held ahead of the application. */
    public int consumerBatch() {
        return consumerBatch;
    }

    /** JetStream mode: how often the last delivered stream sequence is stored (with a fixed instance id). */
    public Duration cursorInterval() {
        return cursorInterval;
    }

    /** JetStream mode: the key-value bucket holding the stored positions. */
    public String cursorBucket() {
        return cursorBucket;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) return true;
        if (!(o instanceof NatsSyncConfig c)) return false;
        return maxReconnects == c.maxReconnects && reconnectBufferSize == c.reconnectBufferSize
                && servers.equals(c.servers) && reconnectWait.equals(c.reconnectWait)
                && reconnectJitter.equals(c.reconnectJitter) && resumeDelay.equals(c.resumeDelay)
                && connectionTimeout.equals(c.connectionTimeout) && pingInterval.equals(c.pingInterval)
                && Objects.equals(connectionName, c.connectionName) && Objects.equals(user, c.user)
                && Objects.equals(password, c.password) && Objects.equals(token, c.token)
                && Objects.equals(credentials, c.credentials) && Objects.equals(natsOptions, c.natsOptions)
                && mode == c.mode && Objects.equals(streamName, c.streamName) && streamMaxMessages == c.streamMaxMessages
                && streamMaxBytes == c.streamMaxBytes && streamMaxAge.equals(c.streamMaxAge) && streamStorage == c.streamStorage
                && duplicateWindow.equals(c.duplicateWindow) && publishTimeout.equals(c.publishTimeout)
                && publishWindow == c.publishWindow && consumerBatch == c.consumerBatch
                && cursorInterval.equals(c.cursorInterval) && cursorBucket.equals(c.cursorBucket);
    }

    @Override
    public int hashCode() {
        return Objects.hash(servers, maxReconnects, reconnectWait, reconnectJitter, resumeDelay, reconnectBufferSize,
                connectionTimeout, pingInterval, connectionName, user, password, token, credentials, natsOptions,
                mode, streamName, streamMaxMessages, streamMaxBytes, streamMaxAge, streamStorage, duplicateWindow,
                publishTimeout, publishWindow, consumerBatch, cursorInterval, cursorBucket);
    }

    /** The settings, with secrets masked: server URLs redacted, password and token as {@code ***}. */
    @Override
    public String toString() {
        return "NatsSyncConfig{servers=" + servers.stream().map(SyncOptions::redact).toList()
                + ", maxReconnects=" + maxReconnects
                + ", reconnectWait=" + OptionReader.format(reconnectWait)
                + ", reconnectJitter=" + OptionReader.format(reconnectJitter)
                + ", resumeDelay=" + OptionReader.format(resumeDelay)
                + ", reconnectBufferSize=" + reconnectBufferSize
                + ", connectionTimeout=" + OptionReader.format(connectionTimeout)
                + ", pingInterval=" + OptionReader.format(pingInterval)
                + ", connectionName=" + connectionName
                + ", user=" + user
                + ", password=" + (password == null ? null : "***")
                + ", token=" + (token == null ? null : "***")
                + ", credentials=" + credentials
                + ", natsOptions=" + (natsOptions == null ? null : "set")
                + ", mode=" + mode.name().toLowerCase(java.util.Locale.ROOT)
                + (mode == Mode.CORE ? "" : ", streamName=" + streamName
                        + ", streamMaxMessages=" + streamMaxMessages
                        + ", streamMaxBytes=" + streamMaxBytes
                        + ", streamMaxAge=" + OptionReader.format(streamMaxAge)
                        + ", streamStorage=" + streamStorage.name().toLowerCase(java.util.Locale.ROOT)
                        + ", duplicateWindow=" + OptionReader.format(duplicateWindow)
                        + ", publishTimeout=" + OptionReader.format(publishTimeout)
                        + ", publishWindow=" + publishWindow
                        + ", consumerBatch=" + consumerBatch
                        + ", cursorInterval=" + OptionReader.format(cursorInterval)
                        + ", cursorBucket=" + cursorBucket) + "}";
    }

    /** Builds {@link NatsSyncConfig}s; starts from the defaults; checks each value as it is set. */
    public static final class Builder {

        private List<String> servers = List.of();
        private int maxReconnects = DEFAULT_MAX_RECONNECTS;
        private Duration reconnectWait = DEFAULT_RECONNECT_WAIT;
        private Duration reconnectJitter = DEFAULT_RECONNECT_JITTER;
        private Duration resumeDelay = DEFAULT_RESUME_DELAY;
        private long reconnectBufferSize = DEFAULT_RECONNECT_BUFFER_SIZE;
        private Duration connectionTimeout = DEFAULT_CONNECTION_TIMEOUT;
        private Duration pingInterval = DEFAULT_PING_INTERVAL;
        private String connectionName = DEFAULT_CONNECTION_NAME;
        private String user;
        private String password;
        private String token;
        private String credentials;
        private Consumer<Options.Builder> natsOptions;
        private Mode mode = DEFAULT_MODE;
        private String streamName;
        private long streamMaxMessages = DEFAULT_STREAM_MAX_MESSAGES;
        private long streamMaxBytes = DEFAULT_STREAM_MAX_BYTES;
        private Duration streamMaxAge = DEFAULT_STREAM_MAX_AGE;
        private StreamStorage streamStorage = DEFAULT_STREAM_STORAGE;
        private Duration duplicateWindow = DEFAULT_DUPLICATE_WINDOW;
        private Duration publishTimeout = DEFAULT_PUBLISH_TIMEOUT;
        private int publishWindow = DEFAULT_PUBLISH_WINDOW;
        private int consumerBatch = DEFAULT_CONSUMER_BATCH;
        private Duration cursorInterval = DEFAULT_CURSOR_INTERVAL;
        private String cursorBucket = DEFAULT_CURSOR_BUCKET;

        private Builder() {
        }

        /**
         * More server URLs besides the URI ({@code nats://host:port}, {@code tls://...}).
         *
         * @throws IllegalArgumentException if the list or one of its URLs is null or empty
         */
        public Builder servers(List<String> urls) {
            SyncAssert.notNull(option("servers"), urls);
            for (String u : urls) SyncAssert.notEmpty(option("servers") + " URL", u);
            this.servers = List.copyOf(urls);
            return this;
        }

        /**
         * Attempts before giving up, for the first connection and after each loss.
         *
         * @param n {@code -1} (never give up) or {@code >= 0}
         */
        public Builder maxReconnects(int n) {
            SyncAssert.atLeast(option("maxReconnects"), n, -1);
            this.maxReconnects = n;
            return this;
        }

        /** Pause between attempts on the same server, {@code >= 0}. */
        public Builder reconnectWait(Duration d) {
            this.reconnectWait = SyncAssert.nonNegative(option("reconnectWait"), d);
            return this;
        }

        /** Random extra pause between attempts, {@code >= 0}. */
        public Builder reconnectJitter(Duration d) {
            this.reconnectJitter = SyncAssert.nonNegative(option("reconnectJitter"), d);
            return this;
        }

        /**
         * How long to keep buffering after a reconnection (or a first connection that needed
         * retries) before publishing, {@code >= 0}; keep it above {@code reconnectWait + reconnectJitter}.
         */
        public Builder resumeDelay(Duration d) {
            this.resumeDelay = SyncAssert.nonNegative(option("resumeDelay"), d);
            return this;
        }

        /** Bytes of the client's own reconnect buffer, {@code >= 0} ({@code 0}: none). */
        public Builder reconnectBufferSize(long bytes) {
            this.reconnectBufferSize = SyncAssert.atLeast(option("reconnectBufferSize"), bytes, 0);
            return this;
        }

        /** Time allowed for one connection attempt, {@code > 0}. */
        public Builder connectionTimeout(Duration d) {
            this.connectionTimeout = SyncAssert.positive(option("connectionTimeout"), d);
            return this;
        }

        /** Interval of the client's pings, {@code > 0}. */
        public Builder pingInterval(Duration d) {
            this.pingInterval = SyncAssert.positive(option("pingInterval"), d);
            return this;
        }

        /** The name the server shows for the connection, or {@code null} for none. */
        public Builder connectionName(String name) {
            this.connectionName = name;
            return this;
        }

        /** The user name, or {@code null} (the URI's {@code user:password@} works too). */
        public Builder user(String user) {
            this.user = user;
            return this;
        }

        /** The password, or {@code null}. */
        public Builder password(String password) {
            this.password = password;
            return this;
        }

        /** An authentication token, or {@code null} (the URI's {@code token@} works too). */
        public Builder token(String token) {
            this.token = token;
            return this;
        }

        /** The path of a {@code .creds} file (JWT + NKey), or {@code null}. */
        public Builder credentials(String path) {
            this.credentials = path;
            return this;
        }

        /**
         * A hook applied last to the jnats {@link Options.Builder} the adapter connects with: any
         * other client setting (an {@code SSLContext}, an {@code AuthHandler}, the outgoing queue
         * size...); the connection and error listeners are the adapter's own and replace any set
         * here. {@code null} for none.
         */
        public Builder natsOptions(Consumer<Options.Builder> customizer) {
            this.natsOptions = customizer;
            return this;
        }

        /** Core publish/subscribe (default) or JetStream; also the URI's {@code ?mode=jetstream}. */
        public Builder mode(Mode mode) {
            this.mode = SyncAssert.notNull(option("mode"), mode);
            return this;
        }

        /**
         * JetStream mode: the stream's name, or {@code null} to derive it from the key. A name
         * may not hold {@code . * > / \} or white space.
         */
        public Builder streamName(String name) {
            if (name != null) {
                SyncAssert.isTrue(!name.isBlank() && !name.matches(".*[.*>/\\\\\\s].*"),
                        () -> option("streamName") + " must not be empty or hold '.', '*', '>', '/', '\\' or white space: '" + name + "'");
            }
            this.streamName = name;
            return this;
        }

        /** JetStream mode: the most messages the stream keeps, {@code >= 1} or {@code -1} for no limit. */
        public Builder streamMaxMessages(long n) {
            SyncAssert.isTrue(n == -1 || n >= 1, () -> option("streamMaxMessages") + " must be -1 (no limit) or at least 1, got " + n);
            this.streamMaxMessages = n;
            return this;
        }

        /** JetStream mode: the most bytes the stream keeps, {@code >= 1} or {@code -1} for no limit. */
        public Builder streamMaxBytes(long n) {
            SyncAssert.isTrue(n == -1 || n >= 1, () -> option("streamMaxBytes") + " must be -1 (no limit) or at least 1, got " + n);
            this.streamMaxBytes = n;
            return this;
        }

        /** JetStream mode: how long the stream keeps a message, {@code >= 0} ({@code 0}: no limit). */
        public Builder streamMaxAge(Duration d) {
            this.streamMaxAge = SyncAssert.nonNegative(option("streamMaxAge"), d);
            return this;
        }

        /** JetStream mode: where the server stores a stream this adapter creates. */
        public Builder streamStorage(StreamStorage storage) {
            this.streamStorage = SyncAssert.notNull(option("streamStorage"), storage);
            return this;
        }

        /** JetStream mode: how long the server remembers a message id, {@code > 0}. */
        public Builder duplicateWindow(Duration d) {
            this.duplicateWindow = SyncAssert.positive(option("duplicateWindow"), d);
            return this;
        }

        /** JetStream mode: how long a publish waits for its acknowledgement before it is sent again, {@code > 0}. */
        public Builder publishTimeout(Duration d) {
            this.publishTimeout = SyncAssert.positive(option("publishTimeout"), d);
            return this;
        }

        /**
         * JetStream mode: the most publishes sent and not yet acknowledged, {@code >= 1}. Above 1
         * publishing is faster without {@code batch}, but when the connection drops a message lost
         * on the way can be stored after later ones that the client still sent after the reconnection.
         */
        public Builder publishWindow(int n) {
            this.publishWindow = (int) SyncAssert.atLeast(option("publishWindow"), n, 1);
            return this;
        }

        /** JetStream mode: the most received messages held ahead of the application, {@code >= 1}. */
        public Builder consumerBatch(int n) {
            this.consumerBatch = (int) SyncAssert.atLeast(option("consumerBatch"), n, 1);
            return this;
        }

        /** JetStream mode: how often the position is stored (with a fixed instance id), {@code > 0}. */
        public Builder cursorInterval(Duration d) {
            this.cursorInterval = SyncAssert.positive(option("cursorInterval"), d);
            return this;
        }

        /** JetStream mode: the key-value bucket holding the stored positions. */
        public Builder cursorBucket(String bucket) {
            SyncAssert.notEmpty(option("cursorBucket"), bucket);
            SyncAssert.isTrue(bucket.matches("[A-Za-z0-9_-]+"),
                    () -> option("cursorBucket") + " may hold only letters, digits, '-' and '_': '" + bucket + "'");
            this.cursorBucket = bucket;
            return this;
        }

        /** The settings. */
        public NatsSyncConfig build() {
            return new NatsSyncConfig(this);
        }

        private static String option(String name) {
            return "nats sync option '" + name + "'";
        }
    }
}
