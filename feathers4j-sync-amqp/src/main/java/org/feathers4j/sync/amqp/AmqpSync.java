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
 * // by URI (Sync.of finds this adapter by its scheme: amqp, amqps or rabbitmq)
 * app.configure(AmqpSync.of("amqp://guest:guest@localhost:5672"));
 *
 * // with AMQP settings
 * app.configure(AmqpSync.of(SyncOptions.uri("amqp://localhost"),
 *         AmqpSyncConfig.builder().queueExpires(Duration.ofMinutes(5)).recoverySettle(Duration.ofSeconds(3)).build()));
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

    /**
     * The sync plugin for this URI, with the default AMQP settings.
     *
     * @throws IllegalArgumentException if the URI is malformed or not amqp/amqps/rabbitmq
     */
    public static Plugin of(String uri) {
        return of(SyncOptions.uri(uri));
    }

    /**
     * The sync plugin for the options' URI, with the AMQP settings read from the options
     * ({@link AmqpSyncConfig#from(SyncOptions)}).
     *
     * @throws IllegalArgumentException if the URI is missing, malformed or not amqp/amqps/rabbitmq, or an option is unusable
     */
    public static Plugin of(SyncOptions options) {
        return of(options, AmqpSyncConfig.from(options));
    }

    /**
     * The sync plugin for the options' URI with these AMQP settings; it opens and owns its connection.
     *
     * @throws IllegalArgumentException if the URI is missing, malformed or not amqp/amqps/rabbitmq
     */
    public static Plugin of(SyncOptions options, AmqpSyncConfig config) {
        return Sync.with(adapter(options, config), options);
    }

    /**
     * The sync plugin on a connection the application owns (see
     * {@link #adapter(Connection, SyncOptions, AmqpSyncConfig)}), AMQP settings read from the options.
     */
    public static Plugin with(Connection connection, SyncOptions options) {
        return with(connection, options, AmqpSyncConfig.from(options));
    }

    /** The sync plugin on a connection the application owns, with these AMQP settings. */
    public static Plugin with(Connection connection, SyncOptions options, AmqpSyncConfig config) {
        return Sync.with(adapter(connection, options, config), options);
    }

    /**
     * The sync plugin with connections made from a copy of {@code factory} (see
     * {@link #adapter(ConnectionFactory, SyncOptions, AmqpSyncConfig)}), AMQP settings read from the options.
     */
    public static Plugin with(ConnectionFactory factory, SyncOptions options) {
        return with(factory, options, AmqpSyncConfig.from(options));
    }

    /** The sync plugin with connections made from a copy of {@code factory}, with these AMQP settings. */
    public static Plugin with(ConnectionFactory factory, SyncOptions options, AmqpSyncConfig config) {
        return Sync.with(adapter(factory, options, config), options);
    }

    /**
     * An adapter for the options' URI with these AMQP settings; it opens and owns its connection.
     * For {@code Sync.with(adapter, options)} and tests.
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
        Objects.requireNonNull(config, "config");
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
        Objects.requireNonNull(config, "config");
        return new AmqpSyncAdapter(options.copy(), config, connection);
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
            // neither the client's message nor the exception: a URISyntaxException quotes the raw URI, password included
            throw new IllegalArgumentException("amqp sync uri '" + SyncOptions.redact(options.uri()) + "' is not usable ("
                    + e.getClass().getSimpleName() + "; percent-encode special characters in the user name and password)");
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
