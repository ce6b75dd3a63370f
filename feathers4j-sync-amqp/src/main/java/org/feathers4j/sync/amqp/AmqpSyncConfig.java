package org.feathers4j.sync.amqp;

import com.rabbitmq.client.ConnectionFactory;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;
import org.feathers4j.sync.SyncOptions;
import org.feathers4j.sync.spi.support.OptionReader;
import org.feathers4j.sync.spi.support.SyncAssert;

/**
 * The AMQP-specific settings of the sync adapter, immutable. Make one with {@link #create()} (all
 * defaults), {@link #builder()}, {@link #toBuilder()} or {@link #from(SyncOptions)} (the defaults
 * overridden by the options set with {@code SyncOptions.option(name, value)}; the names are the
 * getters' names). The module README lists every option with its default and meaning.
 */
public final class AmqpSyncConfig {

    /** Default of {@code queueExpires}: the queue's {@code x-expires}, how long it outlives its last consumer. */
    public static final Duration DEFAULT_QUEUE_EXPIRES = Duration.ofSeconds(60);
    /** Default of {@code queueMaxLength}: the queue's {@code x-max-length}. */
    public static final int DEFAULT_QUEUE_MAX_LENGTH = 100_000;
    /** Default of {@code prefetch}: unacknowledged deliveries in flight to this instance. */
    public static final int DEFAULT_PREFETCH = 256;
    /** Default of {@code publisherConfirms}: publishes wait for the broker's confirm. */
    public static final boolean DEFAULT_PUBLISHER_CONFIRMS = true;
    /** Default of {@code persistent}: durable instance queue and persistent messages. */
    public static final boolean DEFAULT_PERSISTENT = true;
    /** Default of {@code recoveryInterval}: pause between automatic recovery attempts. */
    public static final Duration DEFAULT_RECOVERY_INTERVAL = Duration.ofSeconds(1);
    /** Default of {@code recoverySettle}: pause after a recovery before publishing again. */
    public static final Duration DEFAULT_RECOVERY_SETTLE = Duration.ofSeconds(2);
    /** Default of {@code connectRetryInitial}: first pause between attempts of the first connection. */
    public static final Duration DEFAULT_CONNECT_RETRY_INITIAL = Duration.ofMillis(500);
    /** Default of {@code connectRetryMax}: longest pause between attempts of the first connection. */
    public static final Duration DEFAULT_CONNECT_RETRY_MAX = Duration.ofSeconds(5);
    /** Default of {@code heartbeat}: the requested AMQP heartbeat. */
    public static final Duration DEFAULT_HEARTBEAT = Duration.ofSeconds(10);
    /** Default of {@code connectionTimeout}: the TCP connect timeout. */
    public static final Duration DEFAULT_CONNECTION_TIMEOUT = Duration.ofSeconds(5);
    /** Default of {@code topologyCheck}: how often the exchange and binding are declared again while connected. */
    public static final Duration DEFAULT_TOPOLOGY_CHECK = Duration.ofSeconds(30);
    /** Default of {@code connectionName}: the name shown in the management UI. */
    public static final String DEFAULT_CONNECTION_NAME = "feathers4j-sync";

    private static final String TYPE = "amqp";

    private final String queue;
    private final Duration queueExpires;
    private final int queueMaxLength;
    private final int prefetch;
    private final boolean publisherConfirms;
    private final boolean persistent;
    private final Duration recoveryInterval;
    private final Duration recoverySettle;
    private final Duration connectRetryInitial;
    private final Duration connectRetryMax;
    private final Duration heartbeat;
    private final Duration connectionTimeout;
    private final Duration topologyCheck;
    private final String connectionName;
    private final Consumer<ConnectionFactory> connectionFactory;

    private AmqpSyncConfig(Builder b) {
        this.queue = b.queue;
        this.queueExpires = b.queueExpires;
        this.queueMaxLength = b.queueMaxLength;
        this.prefetch = b.prefetch;
        this.publisherConfirms = b.publisherConfirms;
        this.persistent = b.persistent;
        this.recoveryInterval = b.recoveryInterval;
        this.recoverySettle = b.recoverySettle;
        this.connectRetryInitial = b.connectRetryInitial;
        this.connectRetryMax = b.connectRetryMax;
        this.heartbeat = b.heartbeat;
        this.connectionTimeout = b.connectionTimeout;
        this.topologyCheck = b.topologyCheck;
        this.connectionName = b.connectionName;
        this.connectionFactory = b.connectionFactory;
    }

    /** The settings with every default. */
    public static AmqpSyncConfig create() {
        return builder().build();
    }

    /** A builder starting from the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from these settings. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /**
     * The defaults overridden by the adapter options in {@code options}, read with
     * {@link OptionReader} (durations such as {@code 500ms}, {@code 5s}, {@code PT2S} or milliseconds).
     *
     * @throws IllegalArgumentException naming the option whose value is unusable
     */
    @SuppressWarnings("unchecked")
    public static AmqpSyncConfig from(SyncOptions options) {
        OptionReader r = OptionReader.of(TYPE, options);
        Builder b = builder();
        if (r.has("queue")) b.queue(r.string("queue", null));
        return b.queueExpires(r.duration("queueExpires", DEFAULT_QUEUE_EXPIRES))
                .queueMaxLength(r.integer("queueMaxLength", DEFAULT_QUEUE_MAX_LENGTH))
                .prefetch(r.integer("prefetch", DEFAULT_PREFETCH))
                .publisherConfirms(r.bool("publisherConfirms", DEFAULT_PUBLISHER_CONFIRMS))
                .persistent(r.bool("persistent", DEFAULT_PERSISTENT))
                .recoveryInterval(r.duration("recoveryInterval", DEFAULT_RECOVERY_INTERVAL))
                .recoverySettle(r.duration("recoverySettle", DEFAULT_RECOVERY_SETTLE))
                .connectRetryInitial(r.duration("connectRetryInitial", DEFAULT_CONNECT_RETRY_INITIAL))
                .connectRetryMax(r.duration("connectRetryMax", DEFAULT_CONNECT_RETRY_MAX))
                .heartbeat(r.duration("heartbeat", DEFAULT_HEARTBEAT))
                .connectionTimeout(r.duration("connectionTimeout", DEFAULT_CONNECTION_TIMEOUT))
                .topologyCheck(r.duration("topologyCheck", DEFAULT_TOPOLOGY_CHECK))
                .connectionName(r.string("connectionName", DEFAULT_CONNECTION_NAME))
                .connectionFactory(r.instance("connectionFactory", Consumer.class, null))
                .build();
    }

    /** The queue name, or {@code null} for the default {@code <key>.feathers4j.<instanceId>}. */
    public String queue() {
        return queue;
    }

    /** The queue's {@code x-expires}. */
    public Duration queueExpires() {
        return queueExpires;
    }

    /** The queue's {@code x-max-length}; {@code 0}: unbounded. */
    public int queueMaxLength() {
        return queueMaxLength;
    }

    /** The consumer prefetch. */
    public int prefetch() {
        return prefetch;
    }

    /** Whether publishes wait for broker confirms (and are re-sent when unconfirmed at a connection loss). */
    public boolean publisherConfirms() {
        return publisherConfirms;
    }

    /** Whether the queue is durable and messages persistent (they survive a broker restart). */
    public boolean persistent() {
        return persistent;
    }

    /** The pause between automatic recovery attempts. */
    public Duration recoveryInterval() {
        return recoveryInterval;
    }

    /** The pause after a recovery before publishing again. */
    public Duration recoverySettle() {
        return recoverySettle;
    }

    /** The first pause between attempts of the first connection. */
    public Duration connectRetryInitial() {
        return connectRetryInitial;
    }

    /** The longest pause between attempts of the first connection. */
    public Duration connectRetryMax() {
        return connectRetryMax;
    }

    /** The requested heartbeat; zero: none. */
    public Duration heartbeat() {
        return heartbeat;
    }

    /** The TCP connect timeout. */
    public Duration connectionTimeout() {
        return connectionTimeout;
    }

    /** The interval of the topology check; zero: none. */
    public Duration topologyCheck() {
        return topologyCheck;
    }

    /** The connection name. */
    public String connectionName() {
        return connectionName;
    }

    /** The factory customizer, or {@code null}. */
    public Consumer<ConnectionFactory> connectionFactory() {
        return connectionFactory;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) return true;
        if (!(o instanceof AmqpSyncConfig c)) return false;
        return queueMaxLength == c.queueMaxLength && prefetch == c.prefetch && publisherConfirms == c.publisherConfirms
                && persistent == c.persistent && Objects.equals(queue, c.queue) && queueExpires.equals(c.queueExpires)
                && recoveryInterval.equals(c.recoveryInterval) && recoverySettle.equals(c.recoverySettle)
                && connectRetryInitial.equals(c.connectRetryInitial) && connectRetryMax.equals(c.connectRetryMax)
                && heartbeat.equals(c.heartbeat) && connectionTimeout.equals(c.connectionTimeout)
                && topologyCheck.equals(c.topologyCheck) && connectionName.equals(c.connectionName)
                && Objects.equals(connectionFactory, c.connectionFactory);
    }

    @Override
    public int hashCode() {
        return Objects.hash(queue, queueExpires, queueMaxLength, prefetch, publisherConfirms, persistent, recoveryInterval,
                recoverySettle, connectRetryInitial, connectRetryMax, heartbeat, connectionTimeout, topologyCheck,
                connectionName, connectionFactory);
    }

    /** The settings in the option grammar; the customizer is only said to be set (it may hold credentials). */
    @Override
    public String toString() {
        return "AmqpSyncConfig{queue=" + queue + ", queueExpires=" + OptionReader.format(queueExpires)
                + ", queueMaxLength=" + queueMaxLength + ", prefetch=" + prefetch + ", publisherConfirms=" + publisherConfirms
                + ", persistent=" + persistent + ", recoveryInterval=" + OptionReader.format(recoveryInterval)
                + ", recoverySettle=" + OptionReader.format(recoverySettle)
                + ", connectRetryInitial=" + OptionReader.format(connectRetryInitial)
                + ", connectRetryMax=" + OptionReader.format(connectRetryMax) + ", heartbeat=" + OptionReader.format(heartbeat)
                + ", connectionTimeout=" + OptionReader.format(connectionTimeout)
                + ", topologyCheck=" + OptionReader.format(topologyCheck) + ", connectionName=" + connectionName
                + ", connectionFactory=" + (connectionFactory == null ? "none" : "set") + "}";
    }

    /** Builds an {@link AmqpSyncConfig}; each method checks its value and names the option when it is wrong. */
    public static final class Builder {

        private String queue;
        private Duration queueExpires = DEFAULT_QUEUE_EXPIRES;
        private int queueMaxLength = DEFAULT_QUEUE_MAX_LENGTH;
        private int prefetch = DEFAULT_PREFETCH;
        private boolean publisherConfirms = DEFAULT_PUBLISHER_CONFIRMS;
        private boolean persistent = DEFAULT_PERSISTENT;
        private Duration recoveryInterval = DEFAULT_RECOVERY_INTERVAL;
        private Duration recoverySettle = DEFAULT_RECOVERY_SETTLE;
        private Duration connectRetryInitial = DEFAULT_CONNECT_RETRY_INITIAL;
        private Duration connectRetryMax = DEFAULT_CONNECT_RETRY_MAX;
        private Duration heartbeat = DEFAULT_HEARTBEAT;
        private Duration connectionTimeout = DEFAULT_CONNECTION_TIMEOUT;
        private Duration topologyCheck = DEFAULT_TOPOLOGY_CHECK;
        private String connectionName = DEFAULT_CONNECTION_NAME;
        private Consumer<ConnectionFactory> connectionFactory;

        private Builder() {
        }

        private Builder(AmqpSyncConfig c) {
            queue = c.queue;
            queueExpires = c.queueExpires;
            queueMaxLength = c.queueMaxLength;
            prefetch = c.prefetch;
            publisherConfirms = c.publisherConfirms;
            persistent = c.persistent;
            recoveryInterval = c.recoveryInterval;
            recoverySettle = c.recoverySettle;
            connectRetryInitial = c.connectRetryInitial;
            connectRetryMax = c.connectRetryMax;
            heartbeat = c.heartbeat;
            connectionTimeout = c.connectionTimeout;
            topologyCheck = c.topologyCheck;
            connectionName = c.connectionName;
            connectionFactory = c.connectionFactory;
        }

        /** This instance's queue ({@code null}: {@code <key>.feathers4j.<instanceId>}); not blank, not {@code amq.*}. */
        public Builder queue(String name) {
            if (name != null) {
                SyncAssert.notEmpty("amqp sync option 'queue'", name);
                SyncAssert.isTrue(!name.startsWith("amq."),
                        () -> "amqp sync option 'queue' must not start with 'amq.' (reserved by the broker): " + name);
            }
            this.queue = name;
            return this;
        }

        /**
         * The queue's {@code x-expires}: at least 1 s, so that the queue outlives a reconnect. With
         * {@code resume=LAST} it is also how long a stopped instance's queue (and what is published
         * to it) is kept for its next run; a run that comes back later gets a
         * {@code RETENTION_EXCEEDED} sync gap.
         */
        public Builder queueExpires(Duration d) {
            SyncAssert.positive("amqp sync option 'queueExpires'", d);
            SyncAssert.isTrue(d.toMillis() >= 1000,
                    () -> "amqp sync option 'queueExpires' must be at least 1s, got " + OptionReader.format(d));
            this.queueExpires = d;
            return this;
        }

        /** The queue's {@code x-max-length} ({@code 0}: unbounded). */
        public Builder queueMaxLength(int n) {
            SyncAssert.atLeast("amqp sync option 'queueMaxLength'", n, 0);
            this.queueMaxLength = n;
            return this;
        }

        /** The consumer prefetch, 1 to 65535. */
        public Builder prefetch(int n) {
            SyncAssert.isTrue(n >= 1 && n <= 65535, () -> "amqp sync option 'prefetch' must be 1..65535, got " + n);
            this.prefetch = n;
            return this;
        }

        /** With or without publisher confirms (unconfirmed messages are re-sent after a reconnect). */
        public Builder publisherConfirms(boolean on) {
            this.publisherConfirms = on;
            return this;
        }

        /**
         * A durable instance queue and persistent messages (delivery mode 2), so that what waits in
         * the queue, or was in flight to this instance, survives a broker restart. Off: a
         * non-durable queue and transient messages (as Node feathers-sync), faster, but a broker
         * restart loses what was queued.
         */
        public Builder persistent(boolean on) {
            this.persistent = on;
            return this;
        }

        /** The pause between automatic recovery attempts, &gt; 0. */
        public Builder recoveryInterval(Duration d) {
            this.recoveryInterval = SyncAssert.positive("amqp sync option 'recoveryInterval'", d);
            return this;
        }

        /** After a recovery, how long to keep buffering before publishing again ({@code 0}: at once). */
        public Builder recoverySettle(Duration d) {
            this.recoverySettle = SyncAssert.nonNegative("amqp sync option 'recoverySettle'", d);
            return this;
        }

        /** The first pause between attempts of the first connection, &gt; 0. */
        public Builder connectRetryInitial(Duration d) {
            this.connectRetryInitial = SyncAssert.positive("amqp sync option 'connectRetryInitial'", d);
            return this;
        }

        /** The longest pause between attempts of the first connection (doubling up to it), &gt; 0. */
        public Builder connectRetryMax(Duration d) {
            this.connectRetryMax = SyncAssert.positive("amqp sync option 'connectRetryMax'", d);
            return this;
        }

        /** The requested heartbeat ({@code 0}: none); a URI {@code ?heartbeat=} wins. */
        public Builder heartbeat(Duration d) {
            this.heartbeat = SyncAssert.nonNegative("amqp sync option 'heartbeat'", d);
            return this;
        }

        /** The TCP connect timeout, &gt; 0; a URI {@code ?connection_timeout=} wins. */
        public Builder connectionTimeout(Duration d) {
            this.connectionTimeout = SyncAssert.positive("amqp sync option 'connectionTimeout'", d);
            return this;
        }

        /**
         * The topology check interval ({@code 0}: none): while connected, the exchange and the
         * queue's binding are declared again this often, so that an exchange or binding deleted by
         * someone (with the broker up) comes back by itself.
         */
        public Builder topologyCheck(Duration d) {
            this.topologyCheck = SyncAssert.nonNegative("amqp sync option 'topologyCheck'", d);
            return this;
        }

        /** The connection name shown in the management UI. */
        public Builder connectionName(String name) {
            this.connectionName = SyncAssert.notNull("amqp sync option 'connectionName'", name);
            return this;
        }

        /** A customizer applied last to the connection factory (TLS context, credentials provider, ...); {@code null}: none. */
        public Builder connectionFactory(Consumer<ConnectionFactory> customizer) {
            this.connectionFactory = customizer;
            return this;
        }

        /** The settings (a {@code connectRetryMax} below {@code connectRetryInitial} caps every pause at it). */
        public AmqpSyncConfig build() {
            return new AmqpSyncConfig(this);
        }
    }
}
