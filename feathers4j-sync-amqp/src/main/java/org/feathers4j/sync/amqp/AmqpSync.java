package org.feathers4j.sync.amqp;

import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import java.net.URI;
import java.security.GeneralSecurityException;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import javax.net.ssl.SSLContext;
import org.feathers4j.Plugin;
import org.feathers4j.sync.Sync;
import org.feathers4j.sync.SyncOptions;
import org.feathers4j.sync.amqp.internal.AmqpSyncAdapter;
import org.feathers4j.sync.spi.SyncAdapter;

/**
 * Sync through RabbitMQ (AMQP 0-9-1), wire- and topology-compatible with Node feathers-sync 3.x.
 *
 * <pre>{@code
 * // by URI (the adapter is found by its scheme: amqp, amqps or rabbitmq)
 * app.configure(Sync.of("amqp://guest:guest@localhost:5672"));
 *
 * // with AMQP settings
 * app.configure(Sync.of(SyncOptions.uri("amqp://localhost")
 *         .option("queueExpires", Duration.ofMinutes(5))
 *         .option("recoverySettle", Duration.ofSeconds(3))));
 *
 * // on a connection the application already has (never closed by sync)
 * app.configure(AmqpSync.with(connection, new SyncOptions()));
 * }</pre>
 *
 * <p>See {@link AmqpSyncConfig} for the settings and their defaults.
 */
public final class AmqpSync {

    /** The URI schemes served: {@code amqp}, {@code amqps}, and {@code rabbitmq} (an alias of {@code amqp}). */
    public static final Set<String> SCHEMES = Set.of("amqp", "amqps", "rabbitmq");

    private AmqpSync() {
    }

    /** An adapter for the options' URI, with the AMQP settings taken from the options. */
    public static SyncAdapter adapter(SyncOptions options) {
        return adapter(options, AmqpSyncConfig.from(options));
    }

    /**
     * An adapter for the options' URI with these AMQP settings; it opens and owns its connection.
     *
     * @throws IllegalArgumentException if the URI is missing, malformed or not amqp/amqps/rabbitmq
     */
    public static SyncAdapter adapter(SyncOptions options, AmqpSyncConfig config) {
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(config, "config");
        ConnectionFactory f = factoryFor(options, config);
        return new AmqpSyncAdapter(options.copy(), config, f, SyncOptions.redact(options.uri()));
    }

    /**
     * An adapter that opens (and closes) its own connections with a copy of {@code factory}; the
     * copy gets automatic connection and topology recovery turned on. The factory is not changed.
     */
    public static SyncAdapter adapter(ConnectionFactory factory, SyncOptions options, AmqpSyncConfig config) {
        Objects.requireNonNull(factory, "factory");
        ConnectionFactory f = factory.clone();
        if (config.connectionFactory() != null) config.connectionFactory().accept(f);
        String where = (f.isSSL() ? "amqps://" : "amqp://") + f.getHost() + ":" + f.getPort() + "/" + f.getVirtualHost();
        return new AmqpSyncAdapter(options.copy(), config, f, where);
    }

    /**
     * An adapter on a connection the application owns: sync opens its channels on it and never
     * closes it. Outages are survived only if the connection has automatic recovery (the client's
     * default); its topology recovery should be on as well (also the default).
     */
    public static SyncAdapter adapter(Connection connection, SyncOptions options, AmqpSyncConfig config) {
        Objects.requireNonNull(connection, "connection");
        return new AmqpSyncAdapter(options.copy(), config, connection);
    }

    /** The sync plugin on a connection the application owns (see {@link #adapter(Connection, SyncOptions, AmqpSyncConfig)}). */
    public static Plugin with(Connection connection, SyncOptions options) {
        return Sync.with(adapter(connection, options, AmqpSyncConfig.from(options)), options);
    }

    /** The sync plugin with connections made from a copy of {@code factory}. */
    public static Plugin with(ConnectionFactory factory, SyncOptions options) {
        return Sync.with(adapter(factory, options, AmqpSyncConfig.from(options)), options);
    }

    /**
     * The connection factory for the options' URI: our heartbeat and connect-timeout defaults,
     * then the URI (host, port, credentials, vhost, query parameters such as {@code heartbeat}),
     * then for {@code amqps} the JVM's default trust store with host name verification, then the
     * {@code connectionFactory} customizer.
     */
    static ConnectionFactory factoryFor(SyncOptions options, AmqpSyncConfig config) {
        URI u = options.parsedUri();
        String scheme = u.getScheme().toLowerCase(Locale.ROOT);
        if (!SCHEMES.contains(scheme)) {
            throw new IllegalArgumentException("the amqp sync adapter serves " + SCHEMES + " URIs, not '"
                    + SyncOptions.redact(options.uri()) + "'");
        }
        String uri = options.uri().trim();
        if (scheme.equals("rabbitmq")) uri = "amqp" + uri.substring(scheme.length());
        else uri = scheme + uri.substring(scheme.length());
        ConnectionFactory f = new ConnectionFactory();
        f.setRequestedHeartbeat((int) config.heartbeat().toSeconds());
        f.setConnectionTimeout((int) config.connectionTimeout().toMillis());
        try {
            f.setUri(uri);
        } catch (Exception e) {
            throw new IllegalArgumentException("amqp sync uri '" + SyncOptions.redact(options.uri()) + "' is not usable: "
                    + e.getMessage(), e);
        }
        if (scheme.equals("amqps")) {
            try {
                f.useSslProtocol(SSLContext.getDefault());
            } catch (GeneralSecurityException e) {
                throw new IllegalArgumentException("amqps: the JVM has no default TLS context: " + e.getMessage(), e);
            }
            f.enableHostnameVerification();
        }
        if (config.connectionFactory() != null) config.connectionFactory().accept(f);
        return f;
    }
}
