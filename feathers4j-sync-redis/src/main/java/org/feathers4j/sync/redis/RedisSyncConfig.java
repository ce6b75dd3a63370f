package org.feathers4j.sync.redis;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.resource.ClientResources;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;
import org.feathers4j.sync.SyncOptions;

/**
 * Redis-specific settings of the sync adapter, with their defaults:
 *
 * <table>
 *   <caption>Settings</caption>
 *   <tr><th>setting</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@code connectTimeout}</td><td>5 s</td><td>TCP connect and handshake (AUTH, HELLO, TLS) limit of one attempt</td></tr>
 *   <tr><td>{@code commandTimeout}</td><td>10 s</td><td>how long a PUBLISH may wait for its reply before it counts as failed
 *       and is sent again (receivers drop the copy if the first one did arrive)</td></tr>
 *   <tr><td>{@code retryDelayMin}</td><td>100 ms</td><td>first wait before retrying a failed connection; doubles per attempt</td></tr>
 *   <tr><td>{@code retryDelayMax}</td><td>5 s</td><td>longest wait between two connection attempts</td></tr>
 *   <tr><td>{@code healthCheckInterval}</td><td>250 ms</td><td>how often the adapter checks both connections and the
 *       subscription (it also reacts to Lettuce's connection events at once)</td></tr>
 *   <tr><td>{@code resubscribeWait}</td><td>6 s</td><td>after an outage, how long the adapter holds its buffer until as
 *       many subscribers are back on the channel as before ({@code PUBSUB NUMSUB}); {@code 0}: send at once</td></tr>
 *   <tr><td>{@code clientName}</td><td>{@code feathers4j-sync}</td><td>{@code CLIENT SETNAME}, unless the URI names the client</td></tr>
 *   <tr><td>{@code clientOptions}</td><td>none</td><td>a customizer applied to Lettuce's {@link ClientOptions.Builder} after the
 *       adapter's settings (only when the adapter makes the client)</td></tr>
 *   <tr><td>{@code clientResources}</td><td>none: the adapter makes its own and shuts them down on close</td><td>Lettuce
 *       resources (event loops, ...) to share; the adapter never shuts down resources it was given</td></tr>
 * </table>
 *
 * <p>Pass it with {@code syncOptions.option(RedisSyncConfig.OPTION, config)}, or set single values as adapter
 * options named like the settings ({@code option("connectTimeout", Duration.ofSeconds(2))}; durations may also be
 * given as milliseconds). A mutable builder; the adapter takes a copy.
 */
public final class RedisSyncConfig {

    /** The {@link SyncOptions#option(String, Object)} name under which a whole config is passed. */
    public static final String OPTION = "redis";

    private Duration connectTimeout = Duration.ofSeconds(5);
    private Duration commandTimeout = Duration.ofSeconds(10);
    private Duration retryDelayMin = Duration.ofMillis(100);
    private Duration retryDelayMax = Duration.ofSeconds(5);
    private Duration healthCheckInterval = Duration.ofMillis(250);
    private Duration resubscribeWait = Duration.ofSeconds(6);
    private String clientName = "feathers4j-sync";
    private Consumer<ClientOptions.Builder> clientOptions;
    private ClientResources clientResources;

    /** A config with the defaults. */
    public RedisSyncConfig() {
    }

    /** A config with the defaults. */
    public static RedisSyncConfig defaults() {
        return new RedisSyncConfig();
    }

    /**
     * The config given in these sync options: the {@link #OPTION} entry if there is one, with single settings
     * given as adapter options applied over it.
     *
     * @throws IllegalArgumentException naming the option if one has the wrong type or value
     */
    public static RedisSyncConfig from(SyncOptions options) {
        Object whole = options.options().get(OPTION);
        RedisSyncConfig c;
        if (whole == null) c = new RedisSyncConfig();
        else if (whole instanceof RedisSyncConfig r) c = r.copy();
        else throw new IllegalArgumentException("sync option '" + OPTION + "' must be a RedisSyncConfig, got "
                + whole.getClass().getName());
        Duration d;
        if ((d = duration(options, "connectTimeout")) != null) c.connectTimeout(d);
        if ((d = duration(options, "commandTimeout")) != null) c.commandTimeout(d);
        if ((d = duration(options, "retryDelayMin")) != null) c.retryDelayMin(d);
        if ((d = duration(options, "retryDelayMax")) != null) c.retryDelayMax(d);
        if ((d = duration(options, "healthCheckInterval")) != null) c.healthCheckInterval(d);
        if ((d = duration(options, "resubscribeWait")) != null) c.resubscribeWait(d);
        Object name = options.options().get("clientName");
        if (name != null) c.clientName(String.valueOf(name));
        Object res = options.options().get("clientResources");
        if (res != null) {
            if (!(res instanceof ClientResources cr)) {
                throw new IllegalArgumentException("sync option 'clientResources' must be a Lettuce ClientResources, got "
                        + res.getClass().getName());
            }
            c.clientResources(cr);
        }
        Object co = options.options().get("clientOptions");
        if (co != null) {
            if (!(co instanceof Consumer<?>)) {
                throw new IllegalArgumentException("sync option 'clientOptions' must be a Consumer<ClientOptions.Builder>, got "
                        + co.getClass().getName());
            }
            @SuppressWarnings("unchecked")
            Consumer<ClientOptions.Builder> customizer = (Consumer<ClientOptions.Builder>) co;
            c.clientOptions(customizer);
        }
        return c;
    }

    private static Duration duration(SyncOptions options, String name) {
        Object v = options.options().get(name);
        if (v == null) return null;
        if (v instanceof Duration d) return d;
        if (v instanceof Number n) return Duration.ofMillis(n.longValue());
        if (v instanceof CharSequence s) {
            try {
                return Duration.ofMillis(Long.parseLong(s.toString().trim()));
            } catch (NumberFormatException e) {
                try {
                    return Duration.parse(s.toString().trim());
                } catch (RuntimeException e2) {
                    throw new IllegalArgumentException("sync option '" + name + "' must be a Duration, milliseconds or an "
                            + "ISO-8601 duration such as PT5S, got '" + s + "'", e2);
                }
            }
        }
        throw new IllegalArgumentException("sync option '" + name + "' must be a Duration or milliseconds, got "
                + v.getClass().getName());
    }

    private static Duration positive(String name, Duration d) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) throw new IllegalArgumentException(name + " must be positive, got " + d);
        return d;
    }

    /** Connect limit of one attempt. */
    public Duration connectTimeout() { return connectTimeout; }

    /** Sets the connect limit of one attempt (default 5 s). */
    public RedisSyncConfig connectTimeout(Duration d) { connectTimeout = positive("connectTimeout", d); return this; }

    /** How long a PUBLISH may wait for its reply. */
    public Duration commandTimeout() { return commandTimeout; }

    /** Sets how long a PUBLISH may wait for its reply (default 10 s). */
    public RedisSyncConfig commandTimeout(Duration d) { commandTimeout = positive("commandTimeout", d); return this; }

    /** First wait before retrying a connection. */
    public Duration retryDelayMin() { return retryDelayMin; }

    /** Sets the first wait before retrying a connection (default 100 ms). */
    public RedisSyncConfig retryDelayMin(Duration d) { retryDelayMin = positive("retryDelayMin", d); return this; }

    /** Longest wait between connection attempts. */
    public Duration retryDelayMax() { return retryDelayMax; }

    /** Sets the longest wait between connection attempts (default 5 s). */
    public RedisSyncConfig retryDelayMax(Duration d) { retryDelayMax = positive("retryDelayMax", d); return this; }

    /** How often the connections and the subscription are checked. */
    public Duration healthCheckInterval() { return healthCheckInterval; }

    /** Sets how often the connections and the subscription are checked (default 250 ms). */
    public RedisSyncConfig healthCheckInterval(Duration d) {
        healthCheckInterval = positive("healthCheckInterval", d);
        return this;
    }

    /** How long the buffer is held after an outage until the channel's subscribers are back. */
    public Duration resubscribeWait() { return resubscribeWait; }

    /**
     * Sets how long the buffer is held after an outage until as many subscribers are on the channel as before it
     * (default 6 s, a little more than the default {@code retryDelayMax}, so that peers retrying on the same
     * schedule are back); {@link Duration#ZERO} sends at once.
     */
    public RedisSyncConfig resubscribeWait(Duration d) {
        Objects.requireNonNull(d, "resubscribeWait");
        if (d.isNegative()) throw new IllegalArgumentException("resubscribeWait must not be negative, got " + d);
        resubscribeWait = d;
        return this;
    }

    /** The client name set on both connections, or {@code null} for none. */
    public String clientName() { return clientName; }

    /** Sets the client name ({@code null}: none; default {@code feathers4j-sync}). */
    public RedisSyncConfig clientName(String name) { clientName = name; return this; }

    /** The customizer of Lettuce's client options, or {@code null}. */
    public Consumer<ClientOptions.Builder> clientOptions() { return clientOptions; }

    /**
     * Sets a customizer of Lettuce's client options, applied after the adapter's own settings (auto-reconnect on,
     * commands rejected while disconnected, command timeout, connect timeout). Changing the disconnected behaviour
     * makes Lettuce buffer as well; see the module README.
     */
    public RedisSyncConfig clientOptions(Consumer<ClientOptions.Builder> customizer) { clientOptions = customizer; return this; }

    /** Shared Lettuce resources, or {@code null}. */
    public ClientResources clientResources() { return clientResources; }

    /** Sets Lettuce resources to share; the adapter never shuts them down. */
    public RedisSyncConfig clientResources(ClientResources resources) { clientResources = resources; return this; }

    /** A copy. */
    public RedisSyncConfig copy() {
        RedisSyncConfig c = new RedisSyncConfig();
        c.connectTimeout = connectTimeout;
        c.commandTimeout = commandTimeout;
        c.retryDelayMin = retryDelayMin;
        c.retryDelayMax = retryDelayMax;
        c.healthCheckInterval = healthCheckInterval;
        c.resubscribeWait = resubscribeWait;
        c.clientName = clientName;
        c.clientOptions = clientOptions;
        c.clientResources = clientResources;
        return c;
    }

    @Override
    public String toString() {
        return "RedisSyncConfig{connectTimeout=" + connectTimeout + ", commandTimeout=" + commandTimeout
                + ", retryDelay=" + retryDelayMin + ".." + retryDelayMax + ", healthCheckInterval=" + healthCheckInterval + ", resubscribeWait=" + resubscribeWait
                + ", clientName=" + clientName + "}";
    }
}
