package org.feathers4j.sync.nats;

import io.nats.client.Connection;
import java.util.Objects;
import java.util.Set;
import org.feathers4j.Plugin;
import org.feathers4j.sync.Sync;
import org.feathers4j.sync.SyncOptions;
import org.feathers4j.sync.nats.internal.JetStreamSyncAdapter;
import org.feathers4j.sync.nats.internal.Modes;
import org.feathers4j.sync.nats.internal.NatsSyncAdapter;
import org.feathers4j.sync.spi.SyncAdapter;

/**
 * Sync through NATS: core publish/subscribe on the subject {@code key}, wire-compatible with
 * Node feathers-sync 3.x (the default), or JetStream ({@code nats://host:4222?mode=jetstream} or
 * {@code NatsSyncConfig.builder().mode(Mode.JETSTREAM)}): a stream per key, acknowledged and
 * deduplicated publishes, each instance resuming where it was after a reconnection (Java instances only).
 *
 * <pre>{@code
 * // by URI (Sync.of finds this adapter by the scheme: nats or tls)
 * app.configure(NatsSync.of("nats://localhost:4222"));
 *
 * // several servers, credentials, reconnection policy
 * app.configure(NatsSync.of(SyncOptions.uri("nats://n1:4222"), NatsSyncConfig.builder()
 *         .servers(List.of("nats://n2:4222", "nats://n3:4222"))
 *         .user("app").password(secret)
 *         .maxReconnects(60)
 *         .build()));
 *
 * // on a connection the application already has (never closed by sync)
 * app.configure(NatsSync.with(connection, new SyncOptions()));
 * }</pre>
 *
 * <p>See {@link NatsSyncConfig} for the settings; the client itself is customised through
 * {@link NatsSyncConfig.Builder#natsOptions}.
 */
public final class NatsSync {

    /** The URI schemes served: {@code nats} and {@code tls} (TLS with the JVM's default trust store). */
    public static final Set<String> SCHEMES = Set.of("nats", "tls");

    private NatsSync() {
    }

    /**
     * The sync plugin for this URI, with the default NATS settings.
     *
     * @throws IllegalArgumentException if the URI is malformed or not nats/tls
     */
    public static Plugin of(String uri) {
        return of(SyncOptions.uri(uri));
    }

    /**
     * The sync plugin for these options, with the NATS settings read from the options
     * ({@link NatsSyncConfig#from(SyncOptions)}).
     *
     * @throws IllegalArgumentException if the URI is missing, malformed or not nats/tls, or an option is not usable
     */
    public static Plugin of(SyncOptions options) {
        return of(options, NatsSyncConfig.from(options));
    }

    /**
     * The sync plugin for these options and NATS settings (the options' adapter options are not read).
     *
     * @throws IllegalArgumentException if the URI is missing, malformed or not nats/tls
     */
    public static Plugin of(SyncOptions options, NatsSyncConfig config) {
        return Sync.with(adapter(options, config), options);
    }

    /**
     * The sync plugin on a connection the application owns, with the NATS settings read from the
     * options (see {@link #adapter(Connection, SyncOptions, NatsSyncConfig)}).
     */
    public static Plugin with(Connection connection, SyncOptions options) {
        return with(connection, options, NatsSyncConfig.from(options));
    }

    /** The sync plugin on a connection the application owns (see {@link #adapter(Connection, SyncOptions, NatsSyncConfig)}). */
    public static Plugin with(Connection connection, SyncOptions options, NatsSyncConfig config) {
        return Sync.with(adapter(connection, options, config), options);
    }

    /**
     * An adapter for the options' URI (and the config's {@code servers}) with these NATS settings;
     * it opens, owns and closes one connection. For {@code Sync.with(adapter, options)} and tests.
     *
     * @throws IllegalArgumentException if the URI is missing, malformed or not nats/tls
     */
    public static SyncAdapter adapter(SyncOptions options, NatsSyncConfig config) {
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(config, "config");
        SyncOptions copy = options.copy();
        NatsSyncConfig.Mode mode = Modes.resolve(copy, config);
        copy.setUri(Modes.withoutQuery(copy.uri()));
        if (mode == NatsSyncConfig.Mode.JETSTREAM) {
            NatsSyncConfig js = config.mode() == mode ? config : config.toBuilder().mode(mode).build();
            return new JetStreamSyncAdapter(copy, js);
        }
        Modes.refuseResumeLast(copy);
        return new NatsSyncAdapter(copy, config);
    }

    /**
     * An adapter on a connection the application owns: sync subscribes with its own dispatcher
     * and never closes the connection. Reconnection follows that connection's options (the
     * client reconnects 60 times by default; give it {@code maxReconnects(-1)} to never give up);
     * of the settings only {@code resumeDelay}, {@code reconnectWait} and {@code connectionTimeout} apply.
     */
    public static SyncAdapter adapter(Connection connection, SyncOptions options, NatsSyncConfig config) {
        Objects.requireNonNull(connection, "connection");
        SyncOptions copy = Objects.requireNonNull(options, "options").copy();
        if (Modes.resolve(copy, config) == NatsSyncConfig.Mode.JETSTREAM) {
            throw new IllegalArgumentException("nats sync: mode=jetstream is not available on a given connection yet; "
                    + "use NatsSync.of(options, config) (sync opens its own connection)");
        }
        Modes.refuseResumeLast(copy);
        return new NatsSyncAdapter(connection, copy, config);
    }
}
