package org.feathers4j.sync.redis;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.resource.ClientResources;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;
import org.feathers4j.sync.SyncOptions;
import org.feathers4j.sync.spi.support.OptionReader;
import org.feathers4j.sync.spi.support.SyncAssert;

/**
 * Redis-specific settings of the sync adapter; immutable. Make one with {@link #create()} (all defaults),
 * {@link #builder()}, or {@link #from(SyncOptions)} (the defaults overridden by the adapter options of the sync
 * options, named like the settings: {@code option("connectTimeout", "2s")}), and pass it to
 * {@link RedisSync#of(SyncOptions, RedisSyncConfig)}. The settings and their defaults are in the module README.
 */
public final class RedisSyncConfig {

    /** Limit of one connection attempt (TCP, TLS, AUTH/HELLO): 5 seconds. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
    /** How long a PUBLISH may wait for its reply before it counts as failed and is sent again: 10 seconds. */
    public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofSeconds(10);
    /**
     * Wait before the second retry of a connection (the first retry is made at once); it doubles per attempt:
     * 100 milliseconds.
     */
    public static final Duration DEFAULT_RETRY_DELAY_MIN = Duration.ofMillis(100);
    /**
     * Longest wait between two connection attempts: 1 second, so that the adapter is back within about a second
     * of Redis (attempts are drawn between half and all of it: one or two per second and connection while Redis
     * is down).
     */
    public static final Duration DEFAULT_RETRY_DELAY_MAX = Duration.ofSeconds(1);
    /** How often both connections and the subscription are checked: 250 milliseconds. */
    public static final Duration DEFAULT_HEALTH_CHECK_INTERVAL = Duration.ofMillis(250);
    /**
     * After an outage, how long the buffer is held until as many subscribers are on the channel as before it:
     * 3 seconds, three times {@link #DEFAULT_RETRY_DELAY_MAX}, so that peers retrying on the same schedule are back
     * even on a loaded machine. It costs nothing when they are: the buffer goes as soon as they are all back.
     */
    public static final Duration DEFAULT_RESUBSCRIBE_WAIT = Duration.ofSeconds(3);
    /** The {@code CLIENT SETNAME} of both connections, unless the URI names the client: {@code feathers4j-sync}. */
    public static final String DEFAULT_CLIENT_NAME = "feathers4j-sync";
    /** How events travel: {@link Mode#PUBSUB} (Redis pub/sub, what Node feathers-sync speaks). */
    public static final Mode DEFAULT_MODE = Mode.PUBSUB;
    /** Streams mode: the entries the stream keeps at least ({@code XADD … MAXLEN ~}): 100,000. */
    public static final long DEFAULT_STREAM_MAX_LENGTH = 100_000;
    /** Streams mode: how long the stream keeps entries besides the length limit ({@code XTRIM MINID ~}); zero: off. */
    public static final Duration DEFAULT_STREAM_MAX_AGE = Duration.ZERO;

    /**
     * Pub/sub mode on a Redis Cluster: sharded pub/sub ({@code SPUBLISH}/{@code SSUBSCRIBE}, Redis 7 or later), which
     * keeps a channel on the shard that owns its slot; {@code false}: classic {@code PUBLISH}, which the cluster
     * broadcasts to every node. One Redis (not a cluster) always uses classic pub/sub.
     */
    public static final boolean DEFAULT_SHARDED = true;

    /**
     * Pub/sub mode: received events go through the delivery thread ({@code false}), so that listeners never run on
     * Lettuce's I/O threads; {@code true} delivers them on the I/O thread that read them (see
     * {@link Builder#directDelivery(boolean)}).
     */
    public static final boolean DEFAULT_DIRECT_DELIVERY = false;

    /** How the adapter moves events through Redis. */
    public enum Mode {
        /** PUBLISH/SUBSCRIBE: what is published reaches the instances subscribed at that instant (feathers-sync compatible). */
        PUBSUB,
        /**
         * A Redis stream per key (XADD, blocking XREAD): each instance reads from its last delivered entry and resumes
         * there after any reconnect, so nothing is lost or repeated while the stream keeps the entries. Java only.
         */
        STREAMS
    }

    /** The names of the URI query parameters the adapter reads itself and removes before Lettuce parses the URI. */
    public static final java.util.Set<String> URI_PARAMETERS = java.util.Set.of("mode", "streamMaxLength", "streamMaxAge",
            "sharded");

    private static final String TYPE = "redis";

    private final Duration connectTimeout;
    private final Duration commandTimeout;
    private final Duration retryDelayMin;
    private final Duration retryDelayMax;
    private final Duration healthCheckInterval;
    private final Duration resubscribeWait;
    private final String clientName;
    private final Mode mode;
    private final boolean sharded;
    private final boolean directDelivery;
    private final long streamMaxLength;
    private final Duration streamMaxAge;
    private final Consumer<ClientOptions.Builder> clientOptions;
    private final ClientResources clientResources;

    private RedisSyncConfig(Builder b) {
        this.connectTimeout = b.connectTimeout;
        this.commandTimeout = b.commandTimeout;
        this.retryDelayMin = b.retryDelayMin;
        this.retryDelayMax = b.retryDelayMax;
        this.healthCheckInterval = b.healthCheckInterval;
        this.resubscribeWait = b.resubscribeWait;
        this.clientName = b.clientName;
        this.mode = b.mode;
        this.sharded = b.sharded;
        this.directDelivery = b.directDelivery;
        this.streamMaxLength = b.streamMaxLength;
        this.streamMaxAge = b.streamMaxAge;
        this.clientOptions = b.clientOptions;
        this.clientResources = b.clientResources;
    }

    /** A config with all defaults. */
    public static RedisSyncConfig create() {
        return builder().build();
    }

    /** A builder starting from the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from this config's settings. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /**
     * The defaults, overridden by the adapter options of {@code options} named like the settings
     * ({@code option("connectTimeout", "2s")}), read with the common option grammar ({@link OptionReader}). The
     * {@code mode}, {@code streamMaxLength} and {@code streamMaxAge} settings may also come from the URI's query
     * ({@code redis://host:6379?mode=streams}); given both ways, they must agree.
     *
     * @throws IllegalArgumentException naming the option if one has the wrong type or value
     */
    public static RedisSyncConfig from(SyncOptions options) {
        OptionReader r = OptionReader.of(TYPE, options);
        SyncAssert.isTrue(!(r.raw("redis") instanceof RedisSyncConfig),
                () -> "redis sync option 'redis' is no longer read: pass the config with RedisSync.of(options, config)");
        Builder b = builder();
        b.connectTimeout(r.duration("connectTimeout", DEFAULT_CONNECT_TIMEOUT));
        b.commandTimeout(r.duration("commandTimeout", DEFAULT_COMMAND_TIMEOUT));
        b.retryDelayMin(r.duration("retryDelayMin", DEFAULT_RETRY_DELAY_MIN));
        b.retryDelayMax(r.duration("retryDelayMax", DEFAULT_RETRY_DELAY_MAX));
        b.healthCheckInterval(r.duration("healthCheckInterval", DEFAULT_HEALTH_CHECK_INTERVAL));
        b.resubscribeWait(r.duration("resubscribeWait", DEFAULT_RESUBSCRIBE_WAIT));
        b.clientName(r.string("clientName", DEFAULT_CLIENT_NAME));
        b.directDelivery(r.bool("directDelivery", DEFAULT_DIRECT_DELIVERY));
        java.util.Map<String, String> query = uriParameters(options.uri());
        b.mode(parseMode(setting(r, query, "mode", DEFAULT_MODE.name())));
        b.sharded(new OptionReader(TYPE, java.util.Map.of("sharded", setting(r, query, "sharded", DEFAULT_SHARDED)))
                .bool("sharded", DEFAULT_SHARDED));
        // the URI's values are text: read them with the same grammar as the adapter options
        OptionReader merged = new OptionReader(TYPE, java.util.Map.of(
                "streamMaxLength", setting(r, query, "streamMaxLength", DEFAULT_STREAM_MAX_LENGTH),
                "streamMaxAge", setting(r, query, "streamMaxAge", DEFAULT_STREAM_MAX_AGE)));
        b.streamMaxLength(merged.longValue("streamMaxLength", DEFAULT_STREAM_MAX_LENGTH));
        b.streamMaxAge(merged.duration("streamMaxAge", DEFAULT_STREAM_MAX_AGE));
        b.clientResources(r.instance("clientResources", ClientResources.class, null));
        @SuppressWarnings("unchecked")
        Consumer<ClientOptions.Builder> customizer = r.instance("clientOptions", Consumer.class, null);
        b.clientOptions(customizer);
        return b.build();
    }

    /** An adapter option, else the URI query parameter of that name, else the default; both given: they must agree. */
    private static Object setting(OptionReader r, java.util.Map<String, String> query, String name, Object fallback) {
        Object option = r.raw(name);
        String fromUri = query.get(name);
        if (option != null && fromUri != null && !String.valueOf(option instanceof Mode m ? m.name() : option)
                .equalsIgnoreCase(fromUri)) {
            throw new IllegalArgumentException("redis sync option '" + name + "' is " + option + " but the uri says "
                    + name + "=" + fromUri + ": give it once");
        }
        return option != null ? option : fromUri != null ? fromUri : fallback;
    }

    private static Mode parseMode(Object value) {
        if (value instanceof Mode m) return m;
        String v = String.valueOf(value).trim();
        for (Mode m : Mode.values()) if (m.name().equalsIgnoreCase(v)) return m;
        throw new IllegalArgumentException("redis sync option 'mode' must be pubsub or streams, got '" + v + "'");
    }

    /**
     * The adapter's own query parameters of a Redis URI ({@link #URI_PARAMETERS}), by name; empty for {@code null}.
     * Names are matched exactly (Lettuce's are case-sensitive too).
     */
    static java.util.Map<String, String> uriParameters(String uri) {
        java.util.Map<String, String> out = new java.util.LinkedHashMap<>();
        if (uri == null) return out;
        int at = uri.lastIndexOf('@');
        int q = uri.indexOf('?', Math.max(at, 0));
        if (q < 0) return out;
        int hash = uri.indexOf('#', q);
        for (String pair : uri.substring(q + 1, hash < 0 ? uri.length() : hash).split("&")) {
            int eq = pair.indexOf('=');
            String name = eq < 0 ? pair : pair.substring(0, eq);
            if (URI_PARAMETERS.contains(name)) {
                out.put(name, java.net.URLDecoder.decode(eq < 0 ? "" : pair.substring(eq + 1), java.nio.charset.StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    /** Limit of one connection attempt (TCP, TLS, AUTH/HELLO). */
    public Duration connectTimeout() {
        return connectTimeout;
    }

    /** How long a PUBLISH may wait for its reply before it is sent again. */
    public Duration commandTimeout() {
        return commandTimeout;
    }

    /** Wait before the second retry of a connection (the first is made at once); it doubles per attempt. */
    public Duration retryDelayMin() {
        return retryDelayMin;
    }

    /** Longest wait between two connection attempts. */
    public Duration retryDelayMax() {
        return retryDelayMax;
    }

    /** How often both connections and the subscription are checked. */
    public Duration healthCheckInterval() {
        return healthCheckInterval;
    }

    /** How long the buffer is held after an outage until the channel's subscribers are back; zero: not at all. */
    public Duration resubscribeWait() {
        return resubscribeWait;
    }

    /** The client name set on both connections, or {@code null} for none. */
    public String clientName() {
        return clientName;
    }

    /** How events travel through Redis: pub/sub or a stream. */
    public Mode mode() {
        return mode;
    }

    /** Pub/sub mode on a Redis Cluster: sharded pub/sub ({@code true}) or classic, broadcast pub/sub. */
    public boolean sharded() {
        return sharded;
    }

    /** Pub/sub mode: whether received events are delivered on Lettuce's I/O thread rather than the delivery thread. */
    public boolean directDelivery() {
        return directDelivery;
    }

    /** Streams mode: the entries the stream keeps at least (approximate trimming at each XADD). */
    public long streamMaxLength() {
        return streamMaxLength;
    }

    /** Streams mode: how long the stream keeps entries besides the length limit; zero: no time limit. */
    public Duration streamMaxAge() {
        return streamMaxAge;
    }

    /** The customizer of Lettuce's client options, or {@code null}. */
    public Consumer<ClientOptions.Builder> clientOptions() {
        return clientOptions;
    }

    /** Lettuce resources to share, or {@code null}: the adapter makes its own. */
    public ClientResources clientResources() {
        return clientResources;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RedisSyncConfig c && connectTimeout.equals(c.connectTimeout)
                && commandTimeout.equals(c.commandTimeout) && retryDelayMin.equals(c.retryDelayMin)
                && retryDelayMax.equals(c.retryDelayMax) && healthCheckInterval.equals(c.healthCheckInterval)
                && resubscribeWait.equals(c.resubscribeWait) && Objects.equals(clientName, c.clientName)
                && mode == c.mode && sharded == c.sharded && directDelivery == c.directDelivery && streamMaxLength == c.streamMaxLength && streamMaxAge.equals(c.streamMaxAge)
                && Objects.equals(clientOptions, c.clientOptions) && Objects.equals(clientResources, c.clientResources);
    }

    @Override
    public int hashCode() {
        return Objects.hash(connectTimeout, commandTimeout, retryDelayMin, retryDelayMax, healthCheckInterval,
                resubscribeWait, clientName, mode, sharded, directDelivery, streamMaxLength, streamMaxAge, clientOptions, clientResources);
    }

    @Override
    public String toString() {
        return "RedisSyncConfig{connectTimeout=" + OptionReader.format(connectTimeout)
                + ", commandTimeout=" + OptionReader.format(commandTimeout)
                + ", retryDelayMin=" + OptionReader.format(retryDelayMin)
                + ", retryDelayMax=" + OptionReader.format(retryDelayMax)
                + ", healthCheckInterval=" + OptionReader.format(healthCheckInterval)
                + ", resubscribeWait=" + OptionReader.format(resubscribeWait)
                + ", clientName=" + clientName
                + ", mode=" + mode.name().toLowerCase(java.util.Locale.ROOT)
                + (mode == Mode.PUBSUB ? ", sharded=" + sharded + ", directDelivery=" + directDelivery : "")
                + (mode == Mode.STREAMS ? ", streamMaxLength=" + streamMaxLength + ", streamMaxAge="
                        + OptionReader.format(streamMaxAge) : "")
                + ", clientOptions=" + (clientOptions == null ? "none" : "set")
                + ", clientResources=" + (clientResources == null ? "own" : "given") + "}";
    }

    /** Builds a {@link RedisSyncConfig}; one method per setting, checked as it is set. */
    public static final class Builder {

        private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
        private Duration commandTimeout = DEFAULT_COMMAND_TIMEOUT;
        private Duration retryDelayMin = DEFAULT_RETRY_DELAY_MIN;
        private Duration retryDelayMax = DEFAULT_RETRY_DELAY_MAX;
        private Duration healthCheckInterval = DEFAULT_HEALTH_CHECK_INTERVAL;
        private Duration resubscribeWait = DEFAULT_RESUBSCRIBE_WAIT;
        private String clientName = DEFAULT_CLIENT_NAME;
        private Mode mode = DEFAULT_MODE;
        private boolean sharded = DEFAULT_SHARDED;
        private boolean directDelivery = DEFAULT_DIRECT_DELIVERY;
        private long streamMaxLength = DEFAULT_STREAM_MAX_LENGTH;
        private Duration streamMaxAge = DEFAULT_STREAM_MAX_AGE;
        private Consumer<ClientOptions.Builder> clientOptions;
        private ClientResources clientResources;

        private Builder() {
        }

        private Builder(RedisSyncConfig c) {
            connectTimeout = c.connectTimeout;
            commandTimeout = c.commandTimeout;
            retryDelayMin = c.retryDelayMin;
            retryDelayMax = c.retryDelayMax;
            healthCheckInterval = c.healthCheckInterval;
            resubscribeWait = c.resubscribeWait;
            clientName = c.clientName;
            mode = c.mode;
            sharded = c.sharded;
            directDelivery = c.directDelivery;
            streamMaxLength = c.streamMaxLength;
            streamMaxAge = c.streamMaxAge;
            clientOptions = c.clientOptions;
            clientResources = c.clientResources;
        }

        /** Sets the limit of one connection attempt, &gt; 0 (default {@link #DEFAULT_CONNECT_TIMEOUT}). */
        public Builder connectTimeout(Duration d) {
            connectTimeout = SyncAssert.positive("connectTimeout", d);
            return this;
        }

        /** Sets how long a PUBLISH may wait for its reply, &gt; 0 (default {@link #DEFAULT_COMMAND_TIMEOUT}). */
        public Builder commandTimeout(Duration d) {
            commandTimeout = SyncAssert.positive("commandTimeout", d);
            return this;
        }

        /** Sets the first wait before retrying a connection, &gt; 0 (default {@link #DEFAULT_RETRY_DELAY_MIN}). */
        public Builder retryDelayMin(Duration d) {
            retryDelayMin = SyncAssert.positive("retryDelayMin", d);
            return this;
        }

        /**
         * Sets the longest wait between connection attempts, &gt; 0 (default {@link #DEFAULT_RETRY_DELAY_MAX});
         * {@link #build()} checks that it is at least {@code retryDelayMin}.
         */
        public Builder retryDelayMax(Duration d) {
            retryDelayMax = SyncAssert.positive("retryDelayMax", d);
            return this;
        }

        /** Sets how often the connections and the subscription are checked, &gt; 0 (default {@link #DEFAULT_HEALTH_CHECK_INTERVAL}). */
        public Builder healthCheckInterval(Duration d) {
            healthCheckInterval = SyncAssert.positive("healthCheckInterval", d);
            return this;
        }

        /**
         * Sets how long the buffer is held after an outage until as many subscribers are on the channel as before
         * it, &ge; 0 (default {@link #DEFAULT_RESUBSCRIBE_WAIT}); {@link Duration#ZERO} sends at once.
         */
        public Builder resubscribeWait(Duration d) {
            resubscribeWait = SyncAssert.nonNegative("resubscribeWait", d);
            return this;
        }

        /** Sets the client name of both connections; {@code null} or blank: none (default {@link #DEFAULT_CLIENT_NAME}). */
        public Builder clientName(String name) {
            clientName = name == null || name.isBlank() ? null : name;
            return this;
        }

        /** Sets how events travel through Redis (default {@link #DEFAULT_MODE}); see the module README. */
        public Builder mode(Mode m) {
            mode = SyncAssert.notNull("mode", m);
            return this;
        }

        /**
         * Sets whether pub/sub mode on a Redis Cluster uses sharded pub/sub (default {@link #DEFAULT_SHARDED}); {@code
         * false} for clusters older than Redis 7. No effect on one Redis or in streams mode.
         */
        public Builder sharded(boolean on) {
            sharded = on;
            return this;
        }

        /**
         * Sets whether received events are delivered on the Lettuce I/O thread that read them (default
         * {@link #DEFAULT_DIRECT_DELIVERY}). Pub/sub mode only.
         *
         * <p>Off, each socket read hands its messages to the adapter's delivery thread, which wakes up to pass them
         * to the listeners; on, that hand-off and its wake-up are saved: on this project's 2-core benchmark machine
         * the p99 latency at 500 events/s was lower in every repetition, by 12 % at the median (module README,
         * "Direct delivery"). The price: the listeners of every synced event (service event listeners, channels)
         * then run on Lettuce's I/O thread, so one that blocks (JDBC, a blocking HTTP call, a lock) stops this
         * instance from reading its subscription meanwhile, and may delay its publishes, which can share that
         * thread; Redis disconnects a subscriber whose unread output passes its {@code client-output-buffer-limit
         * pubsub} (events then show as gaps). A delivery that holds the thread over 100 ms is counted
         * ({@code slowDirectDeliveries}) and logged. Turn it on only when every listener returns at once.
         */
        public Builder directDelivery(boolean on) {
            directDelivery = on;
            return this;
        }

        /** Sets the entries a stream keeps at least, &gt;= 1 (default {@link #DEFAULT_STREAM_MAX_LENGTH}). Streams mode. */
        public Builder streamMaxLength(long entries) {
            SyncAssert.isTrue(entries >= 1, () -> "streamMaxLength must be >= 1, got " + entries);
            streamMaxLength = entries;
            return this;
        }

        /**
         * Sets how long a stream keeps entries besides the length limit, &gt;= 0; zero: no time limit (default
         * {@link #DEFAULT_STREAM_MAX_AGE}). Streams mode.
         */
        public Builder streamMaxAge(Duration age) {
            streamMaxAge = SyncAssert.nonNegative("streamMaxAge", age);
            return this;
        }

        /**
         * Sets a customizer of Lettuce's client options, applied after the adapter's own settings (auto-reconnect
         * on, commands rejected while disconnected, command timeout, connect timeout), only when the adapter makes
         * the client; {@code null}: none. Changing the disconnected behaviour makes Lettuce buffer as well.
         */
        public Builder clientOptions(Consumer<ClientOptions.Builder> customizer) {
            clientOptions = customizer;
            return this;
        }

        /** Sets Lettuce resources to share, which the adapter never shuts down; {@code null}: the adapter makes its own. */
        public Builder clientResources(ClientResources resources) {
            clientResources = resources;
            return this;
        }

        /**
         * The config.
         *
         * @throws IllegalArgumentException if {@code retryDelayMax} is shorter than {@code retryDelayMin}, or
         *                                  {@code directDelivery} is on in streams mode
         */
        public RedisSyncConfig build() {
            SyncAssert.isTrue(!(directDelivery && mode == Mode.STREAMS), () -> "directDelivery applies to pub/sub mode"
                    + " only: streams mode reads with a blocking XREAD on its own thread and delivers on another");
            SyncAssert.isTrue(retryDelayMax.compareTo(retryDelayMin) >= 0, () -> "retryDelayMax ("
                    + OptionReader.format(retryDelayMax) + ") must be >= retryDelayMin (" + OptionReader.format(retryDelayMin) + ")");
            return new RedisSyncConfig(this);
        }
    }
}
