package org.feathers4j.sync.nats;

import io.nats.client.Options;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import org.feathers4j.sync.SyncOptions;

/**
 * The NATS-specific settings of the sync adapter, immutable, with these defaults:
 *
 * <table>
 *   <caption>NATS sync settings</caption>
 *   <tr><th>setting ({@code SyncOptions.option} name)</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@code servers}</td><td>none</td>
 *       <td>more server URLs besides the URI (a {@code Collection}, an array, or a comma-separated
 *       string); the client picks among them and fails over</td></tr>
 *   <tr><td>{@code maxReconnects}</td><td>{@code -1} (forever)</td>
 *       <td>connection attempts after a loss, and attempts of the first connection, before sync
 *       gives up and reports {@code FAILED}; {@code -1}: never give up</td></tr>
 *   <tr><td>{@code reconnectWait}</td><td>1 s</td><td>pause between attempts on the same server</td></tr>
 *   <tr><td>{@code reconnectJitter}</td><td>100 ms</td><td>random extra pause, so that instances do not all retry at once</td></tr>
 *   <tr><td>{@code resumeDelay}</td><td>1.5 s</td>
 *       <td>after a reconnection (or a first connection that needed retries), how long to keep
 *       buffering before publishing again, so that the other instances, retrying too, are
 *       subscribed before the buffered events go out. Keep it above {@code reconnectWait +
 *       reconnectJitter}; {@code 0} publishes at once</td></tr>
 *   <tr><td>{@code reconnectBufferSize}</td><td>8 MiB</td>
 *       <td>bytes the client itself holds for messages handed to it in the instant between the
 *       connection dropping and sync noticing; sent first on reconnection</td></tr>
 *   <tr><td>{@code connectionTimeout}</td><td>2 s</td><td>time allowed for one connection attempt</td></tr>
 *   <tr><td>{@code pingInterval}</td><td>10 s</td>
 *       <td>client pings; after 2 unanswered ones the connection counts as lost (catches a
 *       server that vanished without closing the socket)</td></tr>
 *   <tr><td>{@code connectionName}</td><td>{@code feathers4j-sync}</td><td>the name the server shows for the connection</td></tr>
 *   <tr><td>{@code user}, {@code password}</td><td>none</td><td>credentials (the URI's {@code user:password@} works too)</td></tr>
 *   <tr><td>{@code token}</td><td>none</td><td>an authentication token</td></tr>
 *   <tr><td>{@code credentials}</td><td>none</td><td>path of a {@code .creds} file (JWT + NKey)</td></tr>
 *   <tr><td>{@code natsOptions}</td><td>none</td>
 *       <td>a {@code Consumer<io.nats.client.Options.Builder>} applied last: any other client
 *       setting (an {@code SSLContext}, an {@code AuthHandler}, ...); the connection and error
 *       listeners are the adapter's own and replace any set here</td></tr>
 * </table>
 *
 * <p>Durations given through {@code SyncOptions.option} may be a {@link Duration}, a number of
 * milliseconds, or a string ({@code "1500"} ms or ISO-8601 such as {@code "PT2S"}). Secrets are
 * never logged.
 */
public final class NatsSyncConfig {

    /** Default {@code maxReconnects}: never give up. */
    public static final int DEFAULT_MAX_RECONNECTS = -1;
    /** Default pause between attempts on the same server. */
    public static final Duration DEFAULT_RECONNECT_WAIT = Duration.ofSeconds(1);
    /** Default random extra pause between attempts. */
    public static final Duration DEFAULT_RECONNECT_JITTER = Duration.ofMillis(100);
    /** Default pause after a reconnection before the buffered events are published. */
    public static final Duration DEFAULT_RESUME_DELAY = Duration.ofMillis(1500);
    /** Default size of the client's own reconnect buffer, in bytes (the client's default). */
    public static final long DEFAULT_RECONNECT_BUFFER_SIZE = 8L * 1024 * 1024;
    /** Default time allowed for one connection attempt. */
    public static final Duration DEFAULT_CONNECTION_TIMEOUT = Duration.ofSeconds(2);
    /** Default ping interval. */
    public static final Duration DEFAULT_PING_INTERVAL = Duration.ofSeconds(10);
    /** Default connection name. */
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

    private NatsSyncConfig(List<String> servers, int maxReconnects, Duration reconnectWait, Duration reconnectJitter,
                           Duration resumeDelay, long reconnectBufferSize, Duration connectionTimeout,
                           Duration pingInterval, String connectionName, String user, String password, String token,
                           String credentials, Consumer<Options.Builder> natsOptions) {
        this.servers = List.copyOf(servers);
        this.maxReconnects = maxReconnects;
        this.reconnectWait = reconnectWait;
        this.reconnectJitter = reconnectJitter;
        this.resumeDelay = resumeDelay;
        this.reconnectBufferSize = reconnectBufferSize;
        this.connectionTimeout = connectionTimeout;
        this.pingInterval = pingInterval;
        this.connectionName = connectionName;
        this.user = user;
        this.password = password;
        this.token = token;
        this.credentials = credentials;
        this.natsOptions = natsOptions;
    }

    /** The defaults. */
    public static NatsSyncConfig defaults() {
        return new NatsSyncConfig(List.of(), DEFAULT_MAX_RECONNECTS, DEFAULT_RECONNECT_WAIT, DEFAULT_RECONNECT_JITTER,
                DEFAULT_RESUME_DELAY, DEFAULT_RECONNECT_BUFFER_SIZE, DEFAULT_CONNECTION_TIMEOUT, DEFAULT_PING_INTERVAL,
                DEFAULT_CONNECTION_NAME, null, null, null, null, null);
    }

    /**
     * The defaults overridden by the adapter options set with {@code SyncOptions.option(name, value)}.
     *
     * @throws IllegalArgumentException naming the option when a value is of the wrong kind or out of range
     */
    @SuppressWarnings("unchecked")
    public static NatsSyncConfig from(SyncOptions options) {
        NatsSyncConfig c = defaults();
        Object v;
        if ((v = options.options().get("servers")) != null) c = c.servers(stringList("servers", v));
        if ((v = options.options().get("maxReconnects")) != null) c = c.maxReconnects(integer("maxReconnects", v));
        if ((v = options.options().get("reconnectWait")) != null) c = c.reconnectWait(duration("reconnectWait", v));
        if ((v = options.options().get("reconnectJitter")) != null) c = c.reconnectJitter(duration("reconnectJitter", v));
        if ((v = options.options().get("resumeDelay")) != null) c = c.resumeDelay(duration("resumeDelay", v));
        if ((v = options.options().get("reconnectBufferSize")) != null) c = c.reconnectBufferSize(integer("reconnectBufferSize", v));
        if ((v = options.options().get("connectionTimeout")) != null) c = c.connectionTimeout(duration("connectionTimeout", v));
        if ((v = options.options().get("pingInterval")) != null) c = c.pingInterval(duration("pingInterval", v));
        if ((v = options.options().get("connectionName")) != null) c = c.connectionName(String.valueOf(v));
        if ((v = options.options().get("user")) != null) c = c.user(String.valueOf(v));
        if ((v = options.options().get("password")) != null) c = c.password(String.valueOf(v));
        if ((v = options.options().get("token")) != null) c = c.token(String.valueOf(v));
        if ((v = options.options().get("credentials")) != null) c = c.credentials(String.valueOf(v));
        if ((v = options.options().get("natsOptions")) != null) {
            if (!(v instanceof Consumer<?>)) {
                throw new IllegalArgumentException("nats sync option 'natsOptions' must be a Consumer<io.nats.client.Options.Builder>, got "
                        + v.getClass().getName());
            }
            c = c.natsOptions((Consumer<Options.Builder>) v);
        }
        return c;
    }

    /** More server URLs besides the URI. */
    public List<String> servers() { return servers; }

    /** Returns a copy with these extra server URLs. */
    public NatsSyncConfig servers(List<String> urls) {
        Objects.requireNonNull(urls, "servers");
        for (String u : urls) {
            if (u == null || u.isBlank()) throw new IllegalArgumentException("nats sync option 'servers' contains an empty URL");
        }
        return new NatsSyncConfig(urls, maxReconnects, reconnectWait, reconnectJitter, resumeDelay, reconnectBufferSize,
                connectionTimeout, pingInterval, connectionName, user, password, token, credentials, natsOptions);
    }

    /** Attempts before giving up; {@code -1} for never. */
    public int maxReconnects() { return maxReconnects; }

    /** Returns a copy with this many attempts before giving up ({@code -1}: never). */
    public NatsSyncConfig maxReconnects(int n) {
        if (n < -1) throw new IllegalArgumentException("nats sync option 'maxReconnects' must be -1 (forever) or >= 0, got " + n);
        return new NatsSyncConfig(servers, n, reconnectWait, reconnectJitter, resumeDelay, reconnectBufferSize,
                connectionTimeout, pingInterval, connectionName, user, password, token, credentials, natsOptions);
    }

    /** Pause between attempts on the same server. */
    public Duration reconnectWait() { return reconnectWait; }

    /** Returns a copy with this pause between attempts. */
    public NatsSyncConfig reconnectWait(Duration d) {
        nonNegative("reconnectWait", d);
        return new NatsSyncConfig(servers, maxReconnects, d, reconnectJitter, resumeDelay, reconnectBufferSize,
                connectionTimeout, pingInterval, connectionName, user, password, token, credentials, natsOptions);
    }

    /** Random extra pause between attempts. */
    public Duration reconnectJitter() { return reconnectJitter; }

    /** Returns a copy with this random extra pause. */
    public NatsSyncConfig reconnectJitter(Duration d) {
        nonNegative("reconnectJitter", d);
        return new NatsSyncConfig(servers, maxReconnects, reconnectWait, d, resumeDelay, reconnectBufferSize,
                connectionTimeout, pingInterval, connectionName, user, password, token, credentials, natsOptions);
    }

    /** Pause after a reconnection before publishing the buffered events. */
    public Duration resumeDelay() { return resumeDelay; }

    /** Returns a copy with this pause after a reconnection. */
    public NatsSyncConfig resumeDelay(Duration d) {
        nonNegative("resumeDelay", d);
        return new NatsSyncConfig(servers, maxReconnects, reconnectWait, reconnectJitter, d, reconnectBufferSize,
                connectionTimeout, pingInterval, connectionName, user, password, token, credentials, natsOptions);
    }

    /** Bytes of the client's own reconnect buffer. */
    public long reconnectBufferSize() { return reconnectBufferSize; }

    /** Returns a copy with this client reconnect buffer size in bytes ({@code 0}: none). */
    public NatsSyncConfig reconnectBufferSize(long bytes) {
        if (bytes < 0) throw new IllegalArgumentException("nats sync option 'reconnectBufferSize' must be >= 0, got " + bytes);
        return new NatsSyncConfig(servers, maxReconnects, reconnectWait, reconnectJitter, resumeDelay, bytes,
                connectionTimeout, pingInterval, connectionName, user, password, token, credentials, natsOptions);
    }

    /** Time allowed for one connection attempt. */
    public Duration connectionTimeout() { return connectionTimeout; }

    /** Returns a copy with this connection timeout. */
    public NatsSyncConfig connectionTimeout(Duration d) {
        positive("connectionTimeout", d);
        return new NatsSyncConfig(servers, maxReconnects, reconnectWait, reconnectJitter, resumeDelay, reconnectBufferSize,
                d, pingInterval, connectionName, user, password, token, credentials, natsOptions);
    }

    /** Client ping interval. */
    public Duration pingInterval() { return pingInterval; }

    /** Returns a copy with this ping interval. */
    public NatsSyncConfig pingInterval(Duration d) {
        positive("pingInterval", d);
        return new NatsSyncConfig(servers, maxReconnects, reconnectWait, reconnectJitter, resumeDelay, reconnectBufferSize,
                connectionTimeout, d, connectionName, user, password, token, credentials, natsOptions);
    }

    /** The connection name. */
    public String connectionName() { return connectionName; }

    /** Returns a copy with this connection name. */
    public NatsSyncConfig connectionName(String name) {
        return new NatsSyncConfig(servers, maxReconnects, reconnectWait, reconnectJitter, resumeDelay, reconnectBufferSize,
                connectionTimeout, pingInterval, name, user, password, token, credentials, natsOptions);
    }

    /** The user name, or {@code null}. */
    public String user() { return user; }

    /** Returns a copy with this user name. */
    public NatsSyncConfig user(String u) {
        return new NatsSyncConfig(servers, maxReconnects, reconnectWait, reconnectJitter, resumeDelay, reconnectBufferSize,
                connectionTimeout, pingInterval, connectionName, u, password, token, credentials, natsOptions);
    }

    /** The password, or {@code null}. */
    public String password() { return password; }

    /** Returns a copy with this password. */
    public NatsSyncConfig password(String p) {
        return new NatsSyncConfig(servers, maxReconnects, reconnectWait, reconnectJitter, resumeDelay, reconnectBufferSize,
                connectionTimeout, pingInterval, connectionName, user, p, token, credentials, natsOptions);
    }

    /** The authentication token, or {@code null}. */
    public String token() { return token; }

    /** Returns a copy with this authentication token. */
    public NatsSyncConfig token(String t) {
        return new NatsSyncConfig(servers, maxReconnects, reconnectWait, reconnectJitter, resumeDelay, reconnectBufferSize,
                connectionTimeout, pingInterval, connectionName, user, password, t, credentials, natsOptions);
    }

    /** The path of a {@code .creds} file, or {@code null}. */
    public String credentials() { return credentials; }

    /** Returns a copy with this {@code .creds} file. */
    public NatsSyncConfig credentials(String path) {
        return new NatsSyncConfig(servers, maxReconnects, reconnectWait, reconnectJitter, resumeDelay, reconnectBufferSize,
                connectionTimeout, pingInterval, connectionName, user, password, token, path, natsOptions);
    }

    /** The client-options customizer, or {@code null}. */
    public Consumer<Options.Builder> natsOptions() { return natsOptions; }

    /** Returns a copy with this client-options customizer, applied last. */
    public NatsSyncConfig natsOptions(Consumer<Options.Builder> customizer) {
        return new NatsSyncConfig(servers, maxReconnects, reconnectWait, reconnectJitter, resumeDelay, reconnectBufferSize,
                connectionTimeout, pingInterval, connectionName, user, password, token, credentials, customizer);
    }

    private static void nonNegative(String name, Duration d) {
        if (d == null || d.isNegative()) throw new IllegalArgumentException("nats sync option '" + name + "' must be >= 0, got " + d);
    }

    private static void positive(String name, Duration d) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException("nats sync option '" + name + "' must be > 0, got " + d);
        }
    }

    static Duration duration(String name, Object v) {
        if (v instanceof Duration d) return d;
        if (v instanceof Number n) return Duration.ofMillis(n.longValue());
        if (v instanceof String s) {
            String t = s.trim();
            try {
                return t.matches("\\d+") ? Duration.ofMillis(Long.parseLong(t)) : Duration.parse(t);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("nats sync option '" + name + "' is not a duration: '" + s
                        + "' (use milliseconds or ISO-8601 such as PT2S)", e);
            }
        }
        throw new IllegalArgumentException("nats sync option '" + name + "' must be a Duration, milliseconds or a string, got "
                + v.getClass().getName());
    }

    static int integer(String name, Object v) {
        if (v instanceof Number n) return n.intValue();
        if (v instanceof String s) {
            try {
                return Integer.parseInt(s.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("nats sync option '" + name + "' is not an integer: '" + s + "'", e);
            }
        }
        throw new IllegalArgumentException("nats sync option '" + name + "' must be a number, got " + v.getClass().getName());
    }

    static List<String> stringList(String name, Object v) {
        List<String> out = new ArrayList<>();
        if (v instanceof String s) {
            for (String part : s.split(",")) if (!part.isBlank()) out.add(part.trim());
        } else if (v instanceof String[] a) {
            out.addAll(Arrays.asList(a));
        } else if (v instanceof Collection<?> c) {
            for (Object o : c) out.add(o == null ? null : String.valueOf(o));
        } else {
            throw new IllegalArgumentException("nats sync option '" + name
                    + "' must be a collection, an array or a comma-separated string of URLs, got " + v.getClass().getName());
        }
        return out;
    }

    @Override
    public String toString() {
        return "NatsSyncConfig{servers=" + servers.stream().map(org.feathers4j.sync.nats.internal.NatsSyncAdapter::redact).toList()
                + ", maxReconnects=" + maxReconnects + ", reconnectWait=" + reconnectWait
                + ", resumeDelay=" + resumeDelay + ", reconnectBufferSize=" + reconnectBufferSize
                + ", connectionTimeout=" + connectionTimeout + ", pingInterval=" + pingInterval
                + ", connectionName=" + connectionName + ", user=" + (user == null ? null : "set")
                + ", password=" + (password == null ? null : "***") + ", token=" + (token == null ? null : "***")
                + ", credentials=" + credentials + "}";
    }
}
