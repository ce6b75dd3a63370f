package org.feathers4j.sync.nats.internal;

import io.nats.client.Nats;
import io.nats.client.Options;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.feathers4j.sync.SyncOptions;
import org.feathers4j.sync.nats.NatsSync;
import org.feathers4j.sync.nats.NatsSyncConfig;

/**
 * The jnats {@link Options} an adapter that owns its connection connects with: the servers (the
 * URI, then {@code servers}), the reconnection and ping settings, the credentials, then the
 * config's {@code natsOptions} hook, the one way to customise the client.
 */
final class ClientOptions {

    /** Unanswered pings after which the client counts the connection as lost. */
    static final int MAX_PINGS_OUT = 2;

    private ClientOptions() {
    }

    /**
     * The server URLs: the options' URI (if any) first, then the config's {@code servers}.
     *
     * @throws IllegalArgumentException if the URI is malformed or not nats/tls, or there is no server at all
     */
    static List<String> servers(SyncOptions options, NatsSyncConfig config) {
        List<String> all = new ArrayList<>();
        if (options.uri() != null && !options.uri().isBlank()) {
            String scheme = options.parsedUri().getScheme().toLowerCase(Locale.ROOT);
            if (!NatsSync.SCHEMES.contains(scheme)) {
                throw new IllegalArgumentException("the nats sync adapter serves " + NatsSync.SCHEMES + " URIs, not '"
                        + SyncOptions.redact(options.uri()) + "'");
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

    /** The servers, redacted, for messages. */
    static String where(List<String> servers) {
        return String.join(",", servers.stream().map(SyncOptions::redact).toList());
    }

    /** The client options for these servers and settings, before the adapter adds its listeners. */
    static Options.Builder builder(List<String> servers, NatsSyncConfig config) {
        Options.Builder b = new Options.Builder()
                .servers(servers.toArray(String[]::new))
                .connectionName(config.connectionName())
                .maxReconnects(config.maxReconnects())
                .reconnectWait(config.reconnectWait())
                .reconnectJitter(config.reconnectJitter())
                .reconnectJitterTls(config.reconnectJitter())
                .reconnectBufferSize(config.reconnectBufferSize())
                .connectionTimeout(config.connectionTimeout())
                .pingInterval(config.pingInterval())
                .maxPingsOut(MAX_PINGS_OUT);
        if (config.user() != null) b.userInfo(config.user(), config.password() == null ? "" : config.password());
        if (config.token() != null) b.token(config.token().toCharArray());
        if (config.credentials() != null) b.authHandler(Nats.credentials(config.credentials()));
        if (config.natsOptions() != null) config.natsOptions().accept(b);
        return b;
    }
}
