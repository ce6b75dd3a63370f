package org.feathers4j.sync.amqp;

import com.rabbitmq.client.ConnectionFactory;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;
import org.feathers4j.sync.SyncOptions;

/**
 * The AMQP-specific settings of the sync adapter, immutable, with these defaults:
 *
 * <table>
 *   <caption>AMQP sync settings</caption>
 *   <tr><th>setting ({@code SyncOptions.option} name)</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@code queue}</td><td>{@code <key>.feathers4j.<instanceId>}</td>
 *       <td>this instance's queue, bound to the fanout exchange {@code key}</td></tr>
 *   <tr><td>{@code queueExpires}</td><td>60 s</td>
 *       <td>{@code x-expires}: how long the queue outlives its last consumer (a lost connection);
 *       events published meanwhile wait in it</td></tr>
 *   <tr><td>{@code queueMaxLength}</td><td>100,000</td>
 *       <td>{@code x-max-length}: messages the queue holds at most, oldest dropped beyond
 *       ({@code 0}: unbounded)</td></tr>
 *   <tr><td>{@code prefetch}</td><td>256</td><td>unacknowledged deliveries in flight to this instance</td></tr>
 *   <tr><td>{@code publisherConfirms}</td><td>{@code true}</td>
 *       <td>wait for the broker's confirm; a message not confirmed when the connection drops is
 *       sent again after recovery (receivers drop the duplicates)</td></tr>
 *   <tr><td>{@code persistent}</td><td>{@code true}</td>
 *       <td>durable instance queue and persistent messages: events queued for (or in flight to)
 *       this instance survive a broker restart; {@code false}: transient, as Node feathers-sync</td></tr>
 *   <tr><td>{@code recoveryInterval}</td><td>1 s</td><td>pause between automatic recovery attempts</td></tr>
 *   <tr><td>{@code recoverySettle}</td><td>2 s</td>
 *       <td>after a recovery, how long to keep buffering before publishing again, so that the other
 *       instances have re-bound their queues (matters when the broker itself restarted)</td></tr>
 *   <tr><td>{@code connectRetryInitial}</td><td>500 ms</td><td>first pause between attempts of the first connection</td></tr>
 *   <tr><td>{@code connectRetryMax}</td><td>5 s</td><td>longest pause between attempts of the first connection (doubling)</td></tr>
 *   <tr><td>{@code heartbeat}</td><td>10 s</td><td>requested AMQP heartbeat (a URI {@code ?heartbeat=} wins)</td></tr>
 *   <tr><td>{@code connectionTimeout}</td><td>5 s</td><td>TCP connect timeout (a URI {@code ?connection_timeout=} wins)</td></tr>
 *   <tr><td>{@code topologyCheck}</td><td>30 s</td>
 *       <td>while connected, declare the exchange and bind the queue again this often (an exchange or
 *       binding deleted by someone comes back); {@code 0}: never</td></tr>
 *   <tr><td>{@code connectionName}</td><td>{@code feathers4j-sync}</td><td>the name shown in the management UI</td></tr>
 *   <tr><td>{@code connectionFactory}</td><td>none</td>
 *       <td>a {@code Consumer<ConnectionFactory>} applied last to the factory: any other client
 *       setting (TLS context, credentials provider, ...)</td></tr>
 * </table>
 *
 * <p>Durations given through {@code SyncOptions.option} may be a {@link Duration}, a number of
 * milliseconds, or a string ({@code "1500"} ms or ISO-8601 such as {@code "PT2S"}).
 */
public final class AmqpSyncConfig {

    /** Default {@code x-expires} of the instance queue. */
    public static final Duration DEFAULT_QUEUE_EXPIRES = Duration.ofSeconds(60);
    /** Default {@code x-max-length} of the instance queue. */
    public static final int DEFAULT_QUEUE_MAX_LENGTH = 100_000;
    /** Default consumer prefetch. */
    public static final int DEFAULT_PREFETCH = 256;
    /** Default pause between automatic recovery attempts. */
    public static final Duration DEFAULT_RECOVERY_INTERVAL = Duration.ofSeconds(1);
    /** Default pause after a recovery before publishing again. */
    public static final Duration DEFAULT_RECOVERY_SETTLE = Duration.ofSeconds(2);
    /** Default first pause between attempts of the first connection. */
    public static final Duration DEFAULT_CONNECT_RETRY_INITIAL = Duration.ofMillis(500);
    /** Default longest pause between attempts of the first connection. */
    public static final Duration DEFAULT_CONNECT_RETRY_MAX = Duration.ofSeconds(5);
    /** Default requested heartbeat. */
    public static final Duration DEFAULT_HEARTBEAT = Duration.ofSeconds(10);
    /** Default TCP connect timeout. */
    public static final Duration DEFAULT_CONNECTION_TIMEOUT = Duration.ofSeconds(5);
    /** Default interval of the topology check. */
    public static final Duration DEFAULT_TOPOLOGY_CHECK = Duration.ofSeconds(30);
    /** Default connection name. */
    public static final String DEFAULT_CONNECTION_NAME = "feathers4j-sync";

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

    private AmqpSyncConfig(String queue, Duration queueExpires, int queueMaxLength, int prefetch,
                           boolean publisherConfirms, boolean persistent, Duration recoveryInterval, Duration recoverySettle,
                           Duration connectRetryInitial, Duration connectRetryMax, Duration heartbeat,
                           Duration connectionTimeout, Duration topologyCheck, String connectionName,
                           Consumer<ConnectionFactory> connectionFactory) {
        this.queue = queue;
        this.queueExpires = queueExpires;
        this.queueMaxLength = queueMaxLength;
        this.prefetch = prefetch;
        this.publisherConfirms = publisherConfirms;
        this.persistent = persistent;
        this.recoveryInterval = recoveryInterval;
        this.recoverySettle = recoverySettle;
        this.connectRetryInitial = connectRetryInitial;
        this.connectRetryMax = connectRetryMax;
        this.heartbeat = heartbeat;
        this.connectionTimeout = connectionTimeout;
        this.topologyCheck = topologyCheck;
        this.connectionName = connectionName;
        this.connectionFactory = connectionFactory;
    }

    /** The defaults listed above. */
    public static AmqpSyncConfig defaults() {
        return new AmqpSyncConfig(null, DEFAULT_QUEUE_EXPIRES, DEFAULT_QUEUE_MAX_LENGTH, DEFAULT_PREFETCH, true, true,
                DEFAULT_RECOVERY_INTERVAL, DEFAULT_RECOVERY_SETTLE, DEFAULT_CONNECT_RETRY_INITIAL,
                DEFAULT_CONNECT_RETRY_MAX, DEFAULT_HEARTBEAT, DEFAULT_CONNECTION_TIMEOUT, DEFAULT_TOPOLOGY_CHECK, DEFAULT_CONNECTION_NAME, null);
    }

    /**
     * The defaults overridden by the adapter options in {@code options} (see the table above).
     *
     * @throws IllegalArgumentException naming the option whose value is unusable
     */
    @SuppressWarnings("unchecked")
    public static AmqpSyncConfig from(SyncOptions options) {
        AmqpSyncConfig c = defaults();
        Object v;
        if ((v = options.options().get("queue")) != null) c = c.queue(String.valueOf(v));
        if ((v = options.options().get("queueExpires")) != null) c = c.queueExpires(duration("queueExpires", v));
        if ((v = options.options().get("queueMaxLength")) != null) c = c.queueMaxLength(integer("queueMaxLength", v));
        if ((v = options.options().get("prefetch")) != null) c = c.prefetch(integer("prefetch", v));
        if ((v = options.options().get("publisherConfirms")) != null) c = c.publisherConfirms(bool("publisherConfirms", v));
        if ((v = options.options().get("persistent")) != null) c = c.persistent(bool("persistent", v));
        if ((v = options.options().get("recoveryInterval")) != null) c = c.recoveryInterval(duration("recoveryInterval", v));
        if ((v = options.options().get("recoverySettle")) != null) c = c.recoverySettle(duration("recoverySettle", v));
        if ((v = options.options().get("connectRetryInitial")) != null) c = c.connectRetryInitial(duration("connectRetryInitial", v));
        if ((v = options.options().get("connectRetryMax")) != null) c = c.connectRetryMax(duration("connectRetryMax", v));
        if ((v = options.options().get("heartbeat")) != null) c = c.heartbeat(duration("heartbeat", v));
        if ((v = options.options().get("connectionTimeout")) != null) c = c.connectionTimeout(duration("connectionTimeout", v));
        if ((v = options.options().get("topologyCheck")) != null) c = c.topologyCheck(duration("topologyCheck", v));
        if ((v = options.options().get("connectionName")) != null) c = c.connectionName(String.valueOf(v));
        if ((v = options.options().get("connectionFactory")) != null) {
            if (!(v instanceof Consumer<?>)) {
                throw new IllegalArgumentException("amqp sync option 'connectionFactory' must be a Consumer<ConnectionFactory>, got "
                        + v.getClass().getName());
            }
            c = c.connectionFactory((Consumer<ConnectionFactory>) v);
        }
        return c;
    }

    /** The queue name, or {@code null} for the default {@code <key>.feathers4j.<instanceId>}. */
    public String queue() { return queue; }

    /** The queue name this config gives for these options. */
    public String queueName(SyncOptions options) {
        return queue != null ? queue : options.key() + ".feathers4j." + options.instanceId();
    }

    /** The queue's {@code x-expires}. */
    public Duration queueExpires() { return queueExpires; }

    /** The queue's {@code x-max-length}; {@code 0}: unbounded. */
    public int queueMaxLength() { return queueMaxLength; }

    /** The consumer prefetch. */
    public int prefetch() { return prefetch; }

    /** Whether publishes wait for broker confirms (and are re-sent when unconfirmed at a connection loss). */
    public boolean publisherConfirms() { return publisherConfirms; }

    /** Whether the queue is durable and messages persistent (they survive a broker restart). */
    public boolean persistent() { return persistent; }

    /** The pause between automatic recovery attempts. */
    public Duration recoveryInterval() { return recoveryInterval; }

    /** The pause after a recovery before publishing again. */
    public Duration recoverySettle() { return recoverySettle; }

    /** The first pause between attempts of the first connection. */
    public Duration connectRetryInitial() { return connectRetryInitial; }

    /** The longest pause between attempts of the first connection. */
    public Duration connectRetryMax() { return connectRetryMax; }

    /** The requested heartbeat. */
    public Duration heartbeat() { return heartbeat; }

    /** The TCP connect timeout. */
    public Duration connectionTimeout() { return connectionTimeout; }

    /** The interval of the topology check; zero: none. */
    public Duration topologyCheck() { return topologyCheck; }

    /** The connection name. */
    public String connectionName() { return connectionName; }

    /** The factory customizer, or {@code null}. */
    public Consumer<ConnectionFactory> connectionFactory() { return connectionFactory; }

    /** With this queue name ({@code null}: the default). */
    public AmqpSyncConfig queue(String name) {
        if (name != null && name.isBlank()) throw new IllegalArgumentException("amqp sync option 'queue' must not be blank");
        if (name != null && name.startsWith("amq.")) {
            throw new IllegalArgumentException("amqp sync option 'queue' must not start with 'amq.' (reserved by the broker): " + name);
        }
        return new AmqpSyncConfig(name, queueExpires, queueMaxLength, prefetch, publisherConfirms, persistent, recoveryInterval,
                recoverySettle, connectRetryInitial, connectRetryMax, heartbeat, connectionTimeout, topologyCheck, connectionName, connectionFactory);
    }

    /** With this queue expiry (at least 1 s, so the queue outlives a reconnect). */
    public AmqpSyncConfig queueExpires(Duration d) {
        positive("queueExpires", d);
        if (d.toMillis() < 1000) throw new IllegalArgumentException("amqp sync option 'queueExpires' must be at least 1 s, got " + d);
        return new AmqpSyncConfig(queue, d, queueMaxLength, prefetch, publisherConfirms, persistent, recoveryInterval,
                recoverySettle, connectRetryInitial, connectRetryMax, heartbeat, connectionTimeout, topologyCheck, connectionName, connectionFactory);
    }

    /** With this queue length limit ({@code 0}: unbounded). */
    public AmqpSyncConfig queueMaxLength(int n) {
        if (n < 0) throw new IllegalArgumentException("amqp sync option 'queueMaxLength' must be >= 0, got " + n);
        return new AmqpSyncConfig(queue, queueExpires, n, prefetch, publisherConfirms, persistent, recoveryInterval,
                recoverySettle, connectRetryInitial, connectRetryMax, heartbeat, connectionTimeout, topologyCheck, connectionName, connectionFactory);
    }

    /** With this prefetch (1 to 65535). */
    public AmqpSyncConfig prefetch(int n) {
        if (n < 1 || n > 65535) throw new IllegalArgumentException("amqp sync option 'prefetch' must be 1..65535, got " + n);
        return new AmqpSyncConfig(queue, queueExpires, queueMaxLength, n, publisherConfirms, persistent, recoveryInterval,
                recoverySettle, connectRetryInitial, connectRetryMax, heartbeat, connectionTimeout, topologyCheck, connectionName, connectionFactory);
    }

    /** With or without publisher confirms. */
    public AmqpSyncConfig publisherConfirms(boolean on) {
        return new AmqpSyncConfig(queue, queueExpires, queueMaxLength, prefetch, on, persistent, recoveryInterval,
                recoverySettle, connectRetryInitial, connectRetryMax, heartbeat, connectionTimeout, topologyCheck, connectionName, connectionFactory);
    }

    /**
     * With or without persistence: a durable instance queue and persistent messages (delivery
     * mode 2), so that what waits in the queue, or was in flight to this instance, survives a
     * broker restart. Off: a non-durable queue and transient messages (as Node feathers-sync),
     * faster, but a broker restart loses what was queued.
     */
    public AmqpSyncConfig persistent(boolean on) {
        return new AmqpSyncConfig(queue, queueExpires, queueMaxLength, prefetch, publisherConfirms, on, recoveryInterval,
                recoverySettle, connectRetryInitial, connectRetryMax, heartbeat, connectionTimeout, topologyCheck, connectionName, connectionFactory);
    }

    /** With this pause between recovery attempts. */
    public AmqpSyncConfig recoveryInterval(Duration d) {
        positive("recoveryInterval", d);
        return new AmqpSyncConfig(queue, queueExpires, queueMaxLength, prefetch, publisherConfirms, persistent, d,
                recoverySettle, connectRetryInitial, connectRetryMax, heartbeat, connectionTimeout, topologyCheck, connectionName, connectionFactory);
    }

    /** With this settle pause after a recovery ({@code 0}: publish at once). */
    public AmqpSyncConfig recoverySettle(Duration d) {
        Objects.requireNonNull(d, "recoverySettle");
        if (d.isNegative()) throw new IllegalArgumentException("amqp sync option 'recoverySettle' must be >= 0, got " + d);
        return new AmqpSyncConfig(queue, queueExpires, queueMaxLength, prefetch, publisherConfirms, persistent, recoveryInterval,
                d, connectRetryInitial, connectRetryMax, heartbeat, connectionTimeout, topologyCheck, connectionName, connectionFactory);
    }

    /** With this first pause between first-connection attempts. */
    public AmqpSyncConfig connectRetryInitial(Duration d) {
        positive("connectRetryInitial", d);
        return new AmqpSyncConfig(queue, queueExpires, queueMaxLength, prefetch, publisherConfirms, persistent, recoveryInterval,
                recoverySettle, d, connectRetryMax, heartbeat, connectionTimeout, topologyCheck, connectionName, connectionFactory);
    }

    /** With this longest pause between first-connection attempts. */
    public AmqpSyncConfig connectRetryMax(Duration d) {
        positive("connectRetryMax", d);
        return new AmqpSyncConfig(queue, queueExpires, queueMaxLength, prefetch, publisherConfirms, persistent, recoveryInterval,
                recoverySettle, connectRetryInitial, d, heartbeat, connectionTimeout, topologyCheck, connectionName, connectionFactory);
    }

    /** With this requested heartbeat ({@code 0}: none). */
    public AmqpSyncConfig heartbeat(Duration d) {
        Objects.requireNonNull(d, "heartbeat");
        if (d.isNegative()) throw new IllegalArgumentException("amqp sync option 'heartbeat' must be >= 0, got " + d);
        return new AmqpSyncConfig(queue, queueExpires, queueMaxLength, prefetch, publisherConfirms, persistent, recoveryInterval,
                recoverySettle, connectRetryInitial, connectRetryMax, d, connectionTimeout, topologyCheck, connectionName, connectionFactory);
    }

    /** With this TCP connect timeout. */
    public AmqpSyncConfig connectionTimeout(Duration d) {
        positive("connectionTimeout", d);
        return new AmqpSyncConfig(queue, queueExpires, queueMaxLength, prefetch, publisherConfirms, persistent, recoveryInterval,
                recoverySettle, connectRetryInitial, connectRetryMax, heartbeat, d, topologyCheck, connectionName, connectionFactory);
    }

    /**
     * With this topology check interval ({@code 0}: none): while connected, the exchange and the
     * queue's binding are declared again this often, so that an exchange or binding deleted by
     * someone (with the broker up) comes back by itself.
     */
    public AmqpSyncConfig topologyCheck(Duration d) {
        Objects.requireNonNull(d, "topologyCheck");
        if (d.isNegative()) throw new IllegalArgumentException("amqp sync option 'topologyCheck' must be >= 0, got " + d);
        return new AmqpSyncConfig(queue, queueExpires, queueMaxLength, prefetch, publisherConfirms, persistent, recoveryInterval,
                recoverySettle, connectRetryInitial, connectRetryMax, heartbeat, connectionTimeout, d, connectionName, connectionFactory);
    }

    /** With this connection name. */
    public AmqpSyncConfig connectionName(String name) {
        return new AmqpSyncConfig(queue, queueExpires, queueMaxLength, prefetch, publisherConfirms, persistent, recoveryInterval,
                recoverySettle, connectRetryInitial, connectRetryMax, heartbeat, connectionTimeout,
                topologyCheck, Objects.requireNonNull(name, "connectionName"), connectionFactory);
    }

    /** With this factory customizer, applied after the URI and the settings above. */
    public AmqpSyncConfig connectionFactory(Consumer<ConnectionFactory> customizer) {
        return new AmqpSyncConfig(queue, queueExpires, queueMaxLength, prefetch, publisherConfirms, persistent, recoveryInterval,
                recoverySettle, connectRetryInitial, connectRetryMax, heartbeat, connectionTimeout, topologyCheck, connectionName, customizer);
    }

    private static void positive(String name, Duration d) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) throw new IllegalArgumentException("amqp sync option '" + name + "' must be positive, got " + d);
    }

    private static Duration duration(String name, Object v) {
        if (v instanceof Duration d) return d;
        if (v instanceof Number n) return Duration.ofMillis(n.longValue());
        String s = String.valueOf(v).trim();
        try {
            return s.matches("\\d+") ? Duration.ofMillis(Long.parseLong(s)) : Duration.parse(s);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("amqp sync option '" + name + "' must be a Duration, milliseconds or ISO-8601 (PT2S), got '" + s + "'", e);
        }
    }

    private static int integer(String name, Object v) {
        if (v instanceof Number n) return n.intValue();
        try {
            return Integer.parseInt(String.valueOf(v).trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("amqp sync option '" + name + "' must be an integer, got '" + v + "'", e);
        }
    }

    private static boolean bool(String name, Object v) {
        if (v instanceof Boolean b) return b;
        String s = String.valueOf(v).trim();
        if (s.equalsIgnoreCase("true")) return true;
        if (s.equalsIgnoreCase("false")) return false;
        throw new IllegalArgumentException("amqp sync option '" + name + "' must be true or false, got '" + v + "'");
    }

    @Override
    public String toString() {
        return "AmqpSyncConfig{queue=" + queue + ", queueExpires=" + queueExpires + ", queueMaxLength=" + queueMaxLength
                + ", prefetch=" + prefetch + ", publisherConfirms=" + publisherConfirms + ", persistent=" + persistent + ", recoveryInterval=" + recoveryInterval
                + ", recoverySettle=" + recoverySettle + ", connectRetry=" + connectRetryInitial + ".." + connectRetryMax
                + ", heartbeat=" + heartbeat + ", connectionTimeout=" + connectionTimeout + ", topologyCheck=" + topologyCheck + ", connectionName=" + connectionName + "}";
    }
}
