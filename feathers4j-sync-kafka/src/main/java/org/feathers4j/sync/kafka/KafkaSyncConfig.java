package org.feathers4j.sync.kafka;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import org.feathers4j.sync.SyncOptions;
import org.feathers4j.sync.spi.support.OptionReader;
import org.feathers4j.sync.spi.support.SyncAssert;

/**
 * The Kafka settings of the sync adapter, immutable. Make one with {@link #create()} (all defaults),
 * {@link #builder()}, {@link #toBuilder()} or {@link #from(SyncOptions)} (the defaults overridden by
 * the options set with {@code SyncOptions.option(name, value)} and by the URI's query parameters,
 * which have the same names); the defaults are the {@code DEFAULT_*} constants. The module README has
 * the table of options.
 *
 * <pre>{@code
 * KafkaSyncConfig config = KafkaSyncConfig.builder()
 *         .topic("orders-sync")
 *         .partitions(3)
 *         .retention(Duration.ofHours(6))
 *         .clientProperties(props) // SSL/SASL or any other client setting
 *         .build();
 * app.configure(KafkaSync.of(SyncOptions.uri("kafka://k1:9092,k2:9092"), config));
 * }</pre>
 *
 * <p>{@link #toString()} never shows the password or a client property whose name holds
 * {@code password}, {@code secret}, {@code jaas} or {@code key}.
 */
public final class KafkaSyncConfig {

    /** Create the topic when it is missing: {@code true}. */
    public static final boolean DEFAULT_CREATE_TOPIC = true;
    /**
     * Partitions of a topic sync creates: 1, so every instance sees all events in one order (the
     * broker's), as with the other adapters; with more, only each sender's own events keep their order.
     */
    public static final int DEFAULT_PARTITIONS = 1;
    /** Replication factor of a topic sync creates: {@code -1}, meaning the smaller of 3 and the number of brokers. */
    public static final short DEFAULT_REPLICATION = -1;
    /** How long the topic keeps events ({@code retention.ms}) when sync creates it: 24 h. */
    public static final Duration DEFAULT_RETENTION = Duration.ofHours(24);
    /** How long the producer waits for more events to batch with one ({@code linger.ms}): 1 ms. */
    public static final Duration DEFAULT_LINGER = Duration.ofMillis(1);
    /**
     * How long the oldest unacknowledged publish may wait before the adapter reports itself
     * disconnected and buffers further publishes (up to {@code bufferSize}): 2 s.
     */
    public static final Duration DEFAULT_ACK_TIMEOUT = Duration.ofSeconds(2);
    /**
     * How long the producer keeps retrying a publish before it fails it ({@code delivery.timeout.ms}): 1 h.
     * A publish that fails so is counted ({@code publishErrors}) and the receivers report the gap.
     */
    public static final Duration DEFAULT_DELIVERY_TIMEOUT = Duration.ofHours(1);
    /** Bytes the producer holds for publishes not yet acknowledged ({@code buffer.memory}): 32 MiB. */
    public static final long DEFAULT_BUFFER_MEMORY = 32L * 1024 * 1024;
    /** How often the reader looks for new partitions of the topic: 10 s. */
    public static final Duration DEFAULT_PARTITION_REFRESH = Duration.ofSeconds(10);
    /** With a fixed instance id: how often the read offsets are committed (for {@code resume=LAST}): 1 s. */
    public static final Duration DEFAULT_CURSOR_INTERVAL = Duration.ofSeconds(1);
    /** Pause between attempts to reach the cluster at start: 1 s. */
    public static final Duration DEFAULT_RECONNECT_WAIT = Duration.ofSeconds(1);
    /** Time allowed for one request of the start (cluster, topic, offsets): 10 s. */
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(10);
    /** Consumer group id prefix under which offsets are committed, followed by the instance id: {@code feathers4j-sync-}. */
    public static final String DEFAULT_GROUP_PREFIX = "feathers4j-sync-";

    private final List<String> servers;
    private final String topic;
    private final boolean createTopic;
    private final int partitions;
    private final short replication;
    private final Duration retention;
    private final Duration linger;
    private final Duration ackTimeout;
    private final Duration deliveryTimeout;
    private final long bufferMemory;
    private final Duration partitionRefresh;
    private final Duration cursorInterval;
    private final Duration reconnectWait;
    private final Duration requestTimeout;
    private final String groupPrefix;
    private final String securityProtocol;
    private final String saslMechanism;
    private final String user;
    private final String password;
    private final Map<String, Object> clientProperties;

    private KafkaSyncConfig(Builder b) {
        this.servers = List.copyOf(b.servers);
        this.topic = b.topic;
        this.createTopic = b.createTopic;
        this.partitions = b.partitions;
        this.replication = b.replication;
        this.retention = b.retention;
        this.linger = b.linger;
        this.ackTimeout = b.ackTimeout;
        this.deliveryTimeout = b.deliveryTimeout;
        this.bufferMemory = b.bufferMemory;
        this.partitionRefresh = b.partitionRefresh;
        this.cursorInterval = b.cursorInterval;
        this.reconnectWait = b.reconnectWait;
        this.requestTimeout = b.requestTimeout;
        this.groupPrefix = b.groupPrefix;
        this.securityProtocol = b.securityProtocol;
        this.saslMechanism = b.saslMechanism;
        this.user = b.user;
        this.password = b.password;
        this.clientProperties = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(b.clientProperties));
    }

    /** The settings with every default. */
    public static KafkaSyncConfig create() {
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
        b.topic = topic;
        b.createTopic = createTopic;
        b.partitions = partitions;
        b.replication = replication;
        b.retention = retention;
        b.linger = linger;
        b.ackTimeout = ackTimeout;
        b.deliveryTimeout = deliveryTimeout;
        b.bufferMemory = bufferMemory;
        b.partitionRefresh = partitionRefresh;
        b.cursorInterval = cursorInterval;
        b.reconnectWait = reconnectWait;
        b.requestTimeout = requestTimeout;
        b.groupPrefix = groupPrefix;
        b.securityProtocol = securityProtocol;
        b.saslMechanism = saslMechanism;
        b.user = user;
        b.password = password;
        b.clientProperties = new LinkedHashMap<>(clientProperties);
        return b;
    }

    /**
     * The defaults overridden by the adapter options set with {@code SyncOptions.option(name, value)}
     * and then by the query parameters of the options' URI (same names, e.g.
     * {@code kafka://host:9092?topic=t&partitions=3&retention=6h}), read with {@link OptionReader}
     * (durations as {@code 500ms}, {@code 5s}, {@code PT5S} or milliseconds). The option
     * {@code clientProperties} takes a {@link Map} or {@link Properties}; the URI's user info
     * ({@code kafka://user:password@host:9092}) gives {@code user} and {@code password}.
     *
     * @throws IllegalArgumentException naming the option when a value is of the wrong kind or out of
     *                                  range, or the URI has a query parameter that is not an option
     */
    public static KafkaSyncConfig from(SyncOptions options) {
        Objects.requireNonNull(options, "options");
        Map<String, Object> values = new LinkedHashMap<>(options.options());
        values.putAll(org.feathers4j.sync.kafka.internal.KafkaUri.query(options.uri()));
        OptionReader r = new OptionReader("kafka", values);
        Builder b = builder()
                .servers(r.list("servers", List.of()))
                .topic(r.string("topic", null))
                .createTopic(r.bool("createTopic", DEFAULT_CREATE_TOPIC))
                .partitions(r.integer("partitions", DEFAULT_PARTITIONS))
                .replication((short) r.integer("replication", DEFAULT_REPLICATION))
                .retention(r.duration("retention", DEFAULT_RETENTION))
                .linger(r.duration("linger", DEFAULT_LINGER))
                .ackTimeout(r.duration("ackTimeout", DEFAULT_ACK_TIMEOUT))
                .deliveryTimeout(r.duration("deliveryTimeout", DEFAULT_DELIVERY_TIMEOUT))
                .bufferMemory(r.longValue("bufferMemory", DEFAULT_BUFFER_MEMORY))
                .partitionRefresh(r.duration("partitionRefresh", DEFAULT_PARTITION_REFRESH))
                .cursorInterval(r.duration("cursorInterval", DEFAULT_CURSOR_INTERVAL))
                .reconnectWait(r.duration("reconnectWait", DEFAULT_RECONNECT_WAIT))
                .requestTimeout(r.duration("requestTimeout", DEFAULT_REQUEST_TIMEOUT))
                .groupPrefix(r.string("groupPrefix", DEFAULT_GROUP_PREFIX))
                .securityProtocol(r.string("securityProtocol", null))
                .saslMechanism(r.string("saslMechanism", null));
        String[] userInfo = org.feathers4j.sync.kafka.internal.KafkaUri.userInfo(options.uri());
        b.user(r.string("user", userInfo == null ? null : userInfo[0]));
        b.password(r.string("password", userInfo == null ? null : userInfo[1]));
        Object props = r.raw("clientProperties");
        if (props instanceof Map<?, ?> m) {
            Map<String, Object> copy = new LinkedHashMap<>();
            m.forEach((k, v) -> copy.put(String.valueOf(k), v));
            b.clientProperties(copy);
        } else if (props != null) {
            throw new IllegalArgumentException("kafka sync option 'clientProperties' must be a Map or Properties, got "
                    + props.getClass().getName());
        }
        return b.build();
    }

    /** More bootstrap servers ({@code host:port}) besides the URI's. Empty by default. */
    public List<String> servers() {
        return servers;
    }

    /** The topic, or {@code null} to derive it from the key ({@code feathers4j-sync.<key>}). */
    public String topic() {
        return topic;
    }

    /** Whether a missing topic is created ({@code false}: it must exist, else the adapter fails). */
    public boolean createTopic() {
        return createTopic;
    }

    /** Partitions of a topic sync creates. */
    public int partitions() {
        return partitions;
    }

    /** Replication factor of a topic sync creates; {@code -1}: the smaller of 3 and the number of brokers. */
    public short replication() {
        return replication;
    }

    /** Retention of a topic sync creates. */
    public Duration retention() {
        return retention;
    }

    /** The producer's {@code linger.ms}. */
    public Duration linger() {
        return linger;
    }

    /** How long the oldest unacknowledged publish may wait before the adapter reports itself disconnected. */
    public Duration ackTimeout() {
        return ackTimeout;
    }

    /** The producer's {@code delivery.timeout.ms}. */
    public Duration deliveryTimeout() {
        return deliveryTimeout;
    }

    /** The producer's {@code buffer.memory}. */
    public long bufferMemory() {
        return bufferMemory;
    }

    /** How often the reader looks for new partitions. */
    public Duration partitionRefresh() {
        return partitionRefresh;
    }

    /** With a fixed instance id: how often the read offsets are committed. */
    public Duration cursorInterval() {
        return cursorInterval;
    }

    /** Pause between attempts to reach the cluster at start. */
    public Duration reconnectWait() {
        return reconnectWait;
    }

    /** Time allowed for one request of the start. */
    public Duration requestTimeout() {
        return requestTimeout;
    }

    /** The consumer group id prefix for committed offsets (followed by the instance id). */
    public String groupPrefix() {
        return groupPrefix;
    }

    /** The client's {@code security.protocol} ({@code PLAINTEXT}, {@code SSL}, {@code SASL_PLAINTEXT}, {@code SASL_SSL}), or {@code null}. */
    public String securityProtocol() {
        return securityProtocol;
    }

    /** The SASL mechanism ({@code PLAIN}, {@code SCRAM-SHA-256}, {@code SCRAM-SHA-512}), or {@code null}. */
    public String saslMechanism() {
        return saslMechanism;
    }

    /** The SASL user name, or {@code null}. */
    public String user() {
        return user;
    }

    /** The SASL password, or {@code null}. */
    public String password() {
        return password;
    }

    /** Kafka client properties applied to the producer, the consumer and the admin client (see the builder). */
    public Map<String, Object> clientProperties() {
        return clientProperties;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) return true;
        if (!(o instanceof KafkaSyncConfig c)) return false;
        return createTopic == c.createTopic && partitions == c.partitions && replication == c.replication
                && bufferMemory == c.bufferMemory && servers.equals(c.servers) && Objects.equals(topic, c.topic)
                && retention.equals(c.retention) && linger.equals(c.linger) && ackTimeout.equals(c.ackTimeout)
                && deliveryTimeout.equals(c.deliveryTimeout) && partitionRefresh.equals(c.partitionRefresh)
                && cursorInterval.equals(c.cursorInterval) && reconnectWait.equals(c.reconnectWait)
                && requestTimeout.equals(c.requestTimeout) && groupPrefix.equals(c.groupPrefix)
                && Objects.equals(securityProtocol, c.securityProtocol) && Objects.equals(saslMechanism, c.saslMechanism)
                && Objects.equals(user, c.user) && Objects.equals(password, c.password)
                && clientProperties.equals(c.clientProperties);
    }

    @Override
    public int hashCode() {
        return Objects.hash(servers, topic, createTopic, partitions, replication, retention, linger, ackTimeout,
                deliveryTimeout, bufferMemory, partitionRefresh, cursorInterval, reconnectWait, requestTimeout, groupPrefix,
                securityProtocol, saslMechanism, user, password, clientProperties);
    }

    /** The settings, with the password and secret-looking client properties as {@code ***}. */
    @Override
    public String toString() {
        Map<String, Object> props = new LinkedHashMap<>();
        clientProperties.forEach((k, v) -> props.put(k, secret(k) ? "***" : v));
        return "KafkaSyncConfig{servers=" + servers
                + ", topic=" + topic
                + ", createTopic=" + createTopic
                + ", partitions=" + partitions
                + ", replication=" + replication
                + ", retention=" + OptionReader.format(retention)
                + ", linger=" + OptionReader.format(linger)
                + ", ackTimeout=" + OptionReader.format(ackTimeout)
                + ", deliveryTimeout=" + OptionReader.format(deliveryTimeout)
                + ", bufferMemory=" + bufferMemory
                + ", partitionRefresh=" + OptionReader.format(partitionRefresh)
                + ", cursorInterval=" + OptionReader.format(cursorInterval)
                + ", reconnectWait=" + OptionReader.format(reconnectWait)
                + ", requestTimeout=" + OptionReader.format(requestTimeout)
                + ", groupPrefix=" + groupPrefix
                + ", securityProtocol=" + securityProtocol
                + ", saslMechanism=" + saslMechanism
                + ", user=" + user
                + ", password=" + (password == null ? null : "***")
                + ", clientProperties=" + props + "}";
    }

    /** Whether a client property's value is masked in {@link #toString()}. */
    static boolean secret(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return n.contains("password") || n.contains("secret") || n.contains("jaas") || n.contains("key");
    }

    /** Builds {@link KafkaSyncConfig}s; starts from the defaults; checks each value as it is set. */
    public static final class Builder {

        private List<String> servers = List.of();
        private String topic;
        private boolean createTopic = DEFAULT_CREATE_TOPIC;
        private int partitions = DEFAULT_PARTITIONS;
        private short replication = DEFAULT_REPLICATION;
        private Duration retention = DEFAULT_RETENTION;
        private Duration linger = DEFAULT_LINGER;
        private Duration ackTimeout = DEFAULT_ACK_TIMEOUT;
        private Duration deliveryTimeout = DEFAULT_DELIVERY_TIMEOUT;
        private long bufferMemory = DEFAULT_BUFFER_MEMORY;
        private Duration partitionRefresh = DEFAULT_PARTITION_REFRESH;
        private Duration cursorInterval = DEFAULT_CURSOR_INTERVAL;
        private Duration reconnectWait = DEFAULT_RECONNECT_WAIT;
        private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;
        private String groupPrefix = DEFAULT_GROUP_PREFIX;
        private String securityProtocol;
        private String saslMechanism;
        private String user;
        private String password;
        private Map<String, Object> clientProperties = new LinkedHashMap<>();

        private Builder() {
        }

        /**
         * More bootstrap servers ({@code host:port}) besides the URI's.
         *
         * @throws IllegalArgumentException if the list or one of its entries is null or empty
         */
        public Builder servers(List<String> hostPorts) {
            SyncAssert.notNull(option("servers"), hostPorts);
            for (String s : hostPorts) SyncAssert.notEmpty(option("servers") + " entry", s);
            this.servers = List.copyOf(hostPorts);
            return this;
        }

        /**
         * The topic, or {@code null} to derive it from the key. Kafka allows letters, digits,
         * {@code .}, {@code _} and {@code -}, at most 249 characters.
         */
        public Builder topic(String name) {
            if (name != null) {
                SyncAssert.isTrue(name.matches("[A-Za-z0-9._-]{1,249}") && !name.equals(".") && !name.equals(".."),
                        () -> option("topic") + " may hold only letters, digits, '.', '_' and '-' (1 to 249 of them): '" + name + "'");
            }
            this.topic = name;
            return this;
        }

        /** Whether a missing topic is created ({@code false}: the adapter fails when it is missing). */
        public Builder createTopic(boolean create) {
            this.createTopic = create;
            return this;
        }

        /** Partitions of a topic sync creates, {@code >= 1}. */
        public Builder partitions(int n) {
            this.partitions = (int) SyncAssert.atLeast(option("partitions"), n, 1);
            return this;
        }

        /** Replication factor of a topic sync creates, {@code >= 1}, or {@code -1} for the smaller of 3 and the brokers. */
        public Builder replication(short n) {
            SyncAssert.isTrue(n == -1 || n >= 1, () -> option("replication") + " must be -1 (min(3, brokers)) or at least 1, got " + n);
            this.replication = n;
            return this;
        }

        /** Retention of a topic sync creates, {@code > 0}. */
        public Builder retention(Duration d) {
            this.retention = SyncAssert.positive(option("retention"), d);
            return this;
        }

        /** The producer's {@code linger.ms}, {@code >= 0}. */
        public Builder linger(Duration d) {
            this.linger = SyncAssert.nonNegative(option("linger"), d);
            return this;
        }

        /** How long the oldest unacknowledged publish may wait before the adapter reports itself disconnected, {@code > 0}. */
        public Builder ackTimeout(Duration d) {
            this.ackTimeout = SyncAssert.positive(option("ackTimeout"), d);
            return this;
        }

        /** The producer's {@code delivery.timeout.ms}, at least 1 s and at most {@code Integer.MAX_VALUE} ms. */
        public Builder deliveryTimeout(Duration d) {
            SyncAssert.notNull(option("deliveryTimeout"), d);
            SyncAssert.isTrue(d.toMillis() >= 1000 && d.toMillis() <= Integer.MAX_VALUE,
                    () -> option("deliveryTimeout") + " must be between 1s and " + Integer.MAX_VALUE + "ms, got " + d);
            this.deliveryTimeout = d;
            return this;
        }

        /** The producer's {@code buffer.memory}, at least 1 MiB. */
        public Builder bufferMemory(long bytes) {
            this.bufferMemory = SyncAssert.atLeast(option("bufferMemory"), bytes, 1024 * 1024);
            return this;
        }

        /** How often the reader looks for new partitions, {@code > 0}. */
        public Builder partitionRefresh(Duration d) {
            this.partitionRefresh = SyncAssert.positive(option("partitionRefresh"), d);
            return this;
        }

        /** With a fixed instance id: how often the read offsets are committed, {@code > 0}. */
        public Builder cursorInterval(Duration d) {
            this.cursorInterval = SyncAssert.positive(option("cursorInterval"), d);
            return this;
        }

        /** Pause between attempts to reach the cluster at start, {@code > 0}. */
        public Builder reconnectWait(Duration d) {
            this.reconnectWait = SyncAssert.positive(option("reconnectWait"), d);
            return this;
        }

        /** Time allowed for one request of the start, {@code > 0}. */
        public Builder requestTimeout(Duration d) {
            this.requestTimeout = SyncAssert.positive(option("requestTimeout"), d);
            return this;
        }

        /** The consumer group id prefix for committed offsets. */
        public Builder groupPrefix(String prefix) {
            this.groupPrefix = SyncAssert.notNull(option("groupPrefix"), prefix);
            return this;
        }

        /** The client's {@code security.protocol}, or {@code null} (PLAINTEXT, or what {@link #clientProperties} says). */
        public Builder securityProtocol(String protocol) {
            String p = protocol == null ? null : protocol.trim().toUpperCase(Locale.ROOT);
            SyncAssert.isTrue(p == null || List.of("PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL").contains(p),
                    () -> option("securityProtocol") + " must be PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL, got '" + protocol + "'");
            this.securityProtocol = p;
            return this;
        }

        /**
         * The SASL mechanism, or {@code null}: {@code PLAIN}, {@code SCRAM-SHA-256} or {@code SCRAM-SHA-512}
         * with {@link #user} and {@link #password} (the JAAS line is made from them); another mechanism
         * through {@link #clientProperties}.
         */
        public Builder saslMechanism(String mechanism) {
            this.saslMechanism = mechanism == null ? null : mechanism.trim().toUpperCase(Locale.ROOT);
            return this;
        }

        /** The SASL user name, or {@code null} (the URI's {@code user:password@} works too). */
        public Builder user(String user) {
            this.user = user;
            return this;
        }

        /** The SASL password, or {@code null}. */
        public Builder password(String password) {
            this.password = password;
            return this;
        }

        /**
         * Kafka client properties for the producer, the consumer and the admin client (TLS trust
         * stores, SASL settings, timeouts...), applied over the adapter's own. Sync keeps these
         * whatever is given: serializers, {@code enable.idempotence=true}, {@code acks=all},
         * {@code enable.auto.commit=false}, {@code auto.offset.reset=none} and {@code group.id}.
         */
        public Builder clientProperties(Map<String, ?> properties) {
            SyncAssert.notNull(option("clientProperties"), properties);
            Map<String, Object> copy = new LinkedHashMap<>();
            properties.forEach((k, v) -> copy.put(String.valueOf(k), v));
            this.clientProperties = copy;
            return this;
        }

        /** As {@link #clientProperties(Map)}, from {@link Properties}. */
        public Builder clientProperties(Properties properties) {
            SyncAssert.notNull(option("clientProperties"), properties);
            Map<String, Object> copy = new LinkedHashMap<>();
            for (String name : properties.stringPropertyNames()) copy.put(name, properties.getProperty(name));
            this.clientProperties = copy;
            return this;
        }

        /** The settings. */
        public KafkaSyncConfig build() {
            return new KafkaSyncConfig(this);
        }

        private static String option(String name) {
            return "kafka sync option '" + name + "'";
        }
    }
}
