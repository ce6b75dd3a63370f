package org.feathers4j.sync.nats;

import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Options;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import org.feathers4j.Plugin;
import org.feathers4j.sync.Sync;
import org.feathers4j.sync.SyncOptions;
import org.feathers4j.sync.nats.internal.NatsSyncAdapter;
import org.feathers4j.sync.spi.SyncAdapter;

/**
 * Sync through NATS (core publish/subscribe on the subject {@code key}), wire-compatible with
 * Node feathers-sync 3.x.
 *
 * <pre>{@code
 * // by URI (found by its scheme: nats or tls)
 * app.configure(Sync.of("nats://localhost:4222"));
 *
 * // several servers, credentials, reconnection policy
 * app.configure(Sync.of(SyncOptions.uri("nats://n1:4222")
 *         .option("servers", List.of("nats://n2:4222", "nats://n3:4222"))
 *         .option("user", "app").option("password", secret)
 *         .option("maxReconnects", 60)));
 *
 * // on a connection the application already has (never closed by sync)
 * app.configure(NatsSync.with(connection, new SyncOptions()));
 * }</pre>
 *
 * <p>See {@link NatsSyncConfig} for the settings and their defaults.
 */
public final class NatsSync {

    /** The URI schemes served: {@code nats} and {@code tls} (TLS with the JVM's default trust store). */
    public static final Set<String> SCHEMES = Set.of("nats", "tls");

    private NatsSync() {
    }

    /** An adapter for the options' URI, with the NATS settings taken from the options. */
    public static SyncAdapter adapter(SyncOptions options) {
        return adapter(options, NatsSyncConfig.from(options));
    }

    /**
     * An adapter for the options' URI with these NATS settings; it opens, owns and closes one connection.
     *
     * @throws IllegalArgumentException if the URI is missing, malformed or not nats/tls, or a
     *                                  setting is not usable
     */
    public static SyncAdapter adapter(SyncOptions options, NatsSyncConfig config) {
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(config, "config");
        Options.Builder b = clientOptions(options, config);
        List<String> all = servers(options, config);
        String where = String.join(",", all.stream().map(NatsSyncAdapter::redact).toList());
        return new NatsSyncAdapter(options.copy(), config, b, where);
    }

    /**
     * An adapter on a connection the application owns: sync subscribes with its own dispatcher
     * and never closes the connection. Reconnection follows that connection's options (the
     * client reconnects 60 times by default; give it {@code maxReconnects(-1)} to never give up).
     */
    public static SyncAdapter adapter(Connection connection, SyncOptions options, NatsSyncConfig config) {
        Objects.requireNonNull(connection, "connection");
        return new NatsSyncAdapter(Objects.requireNonNull(options, "options").copy(),
                Objects.requireNonNull(config, "config"), connection);
    }

    /** The sync plugin on a connection the application owns (see {@link #adapter(Connection, SyncOptions, NatsSyncConfig)}). */
    public static Plugin with(Connection connection, SyncOptions options) {
        return Sync.with(adapter(connection, options, NatsSyncConfig.from(options)), options);
    }

    /** The sync plugin for these options and NATS settings. */
    public static Plugin of(SyncOptions options, NatsSyncConfig config) {
        return Sync.with(adapter(options, config), options);
    }

    /**
     * The client options the adapter connects with, before it adds its listeners: servers (the
     * URI, then {@code servers}), our reconnection and ping defaults, credentials, then the
     * {@code natsOptions} customizer. Useful to open a connection of your own with the same settings.
     *
     * @throws IllegalArgumentException if the URI is missing, malformed or not nats/tls
     */
    public static Options.Builder clientOptions(SyncOptions options, NatsSyncConfig config) {
        List<String> all = servers(options, config);
        Options.Builder b = new Options.Builder()
                .servers(all.toArray(String[]::new))
                .connectionName(config.connectionName())
                .maxReconnects(config.maxReconnects())
                .reconnectWait(config.reconnectWait())
                .reconnectJitter(config.reconnectJitter())
                .reconnectJitterTls(config.reconnectJitter())
                .reconnectBufferSize(config.reconnectBufferSize())
                .connectionTimeout(config.connectionTimeout())
                .pingInterval(config.pingInterval())
                .maxPingsOut(2);
        if (config.user() != null) b.userInfo(config.user(), config.password() == null ? "" : config.password());
        if (config.token() != null) b.token(config.token().toCharArray());
        if (config.credentials() != null) b.authHandler(Nats.credentials(config.credentials()));
        if (config.natsOptions() != null) config.natsOptions().accept(b);
        return b;
    }

    private static List<String> servers(SyncOptions options, NatsSyncConfig config) {
        List<String> all = new ArrayList<>();
        if (options.uri() != null && !options.uri().isBlank()) {
            String scheme = options.parsedUri().getScheme().toLowerCase(Locale.ROOT);
            if (!SCHEMES.contains(scheme)) {
                throw new IllegalArgumentException("the nats sync adapter serves " + SCHEMES + " URIs, not '"
                        + NatsSyncAdapter.redact(options.uri()) + "'");
            }
            all.add(options.uri().trim());
        }
        for (String s : config.servers()) if (!all.contains(s)) all.add(s);
        if (all.isEmpty()) {
            throw new IllegalArgumentException("the nats sync adapter needs a 'uri' such as nats://localhost:4222 "
                    + "or a 'servers' option");
        }
        return all;
    }
}
