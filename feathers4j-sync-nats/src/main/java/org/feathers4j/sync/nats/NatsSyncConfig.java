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
                && Objects.equals(credentials, c.credentials) && Objects.equals(natsOptions, c.natsOptions);
    }

    @Override
    public int hashCode() {
        return Objects.hash(servers, maxReconnects, reconnectWait, reconnectJitter, resumeDelay, reconnectBufferSize,
                connectionTimeout, pingInterval, connectionName, user, password, token, credentials, natsOptions);
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
                + ", natsOptions=" + (natsOptions == null ? null : "set") + "}";
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

        /** The settings. */
        public NatsSyncConfig build() {
            return new NatsSyncConfig(this);
        }

        private static String option(String name) {
            return "nats sync option '" + name + "'";
        }
    }
}
