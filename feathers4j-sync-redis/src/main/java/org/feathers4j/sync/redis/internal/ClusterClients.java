package org.feathers4j.sync.redis.internal;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.resource.ClientResources;
import java.time.Duration;
import java.util.List;
import org.feathers4j.sync.SyncOptions;
import org.feathers4j.sync.redis.RedisSyncConfig;

/**
 * Makes the Lettuce client of a {@code redis-cluster://} URI, with the settings the adapter relies on: auto-reconnect,
 * commands refused while a node is disconnected (the adapter buffers and re-sends), and topology refresh, so that a
 * failover or a slot move is followed within seconds.
 */
final class ClusterClients {

    /**
     * Periodic topology refresh: 10 seconds. The adaptive triggers (MOVED/ASK, persistent reconnects, unknown
     * node) usually come first; this bounds how long a missed change stays unseen.
     */
    static final Duration REFRESH_PERIOD = Duration.ofSeconds(10);
    /**
     * Shortest time between two adaptive refreshes: 1 second (Lettuce's default is 30). A failover first looks
     * like a dead master (one refresh) and only seconds later has a promoted replica (another refresh).
     */
    static final Duration ADAPTIVE_REFRESH_MIN_INTERVAL = Duration.ofSeconds(1);
    /** Failed reconnects to one node that trigger a refresh: 2 (Lettuce's default is 5). */
    static final int REFRESH_AFTER_RECONNECTS = 2;

    private ClusterClients() {
    }

    /** Whether the sync URI is a cluster URI. */
    static boolean isClusterUri(String uri) {
        if (uri == null) return false;
        int colon = uri.trim().indexOf(':');
        return colon > 0 && RedisUris.isCluster(uri.trim().substring(0, colon).toLowerCase(java.util.Locale.ROOT));
    }

    /** The client for the seed nodes of {@code options.uri()}, on {@code resources}. */
    static RedisEndpoint.Cluster make(SyncOptions options, RedisSyncConfig config, ClientResources resources) {
        List<RedisURI> seeds = RedisUris.parseCluster(options.uri());
        for (RedisURI seed : seeds) {
            if (seed.getClientName() == null && config.clientName() != null) seed.setClientName(config.clientName());
            if (!options.uri().contains("timeout=")) seed.setTimeout(config.commandTimeout());
        }
        RedisClusterClient client = RedisClusterClient.create(resources, seeds);
        ClusterClientOptions.Builder b = ClusterClientOptions.builder()
                .topologyRefreshOptions(ClusterTopologyRefreshOptions.builder()
                        .enablePeriodicRefresh(REFRESH_PERIOD)
                        .enableAllAdaptiveRefreshTriggers()
                        .adaptiveRefreshTriggersTimeout(ADAPTIVE_REFRESH_MIN_INTERVAL)
                        .refreshTriggersReconnectAttempts(REFRESH_AFTER_RECONNECTS)
                        .build());
        common(b, config);
        if (config.clientOptions() != null) config.clientOptions().accept(b);
        client.setOptions(b.build());
        return new RedisEndpoint.Cluster(client, seeds.get(0).isSsl());
    }

    /** The client options both kinds of client get before the user's customizer. */
    static void common(ClientOptions.Builder b, RedisSyncConfig config) {
        b.autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .timeoutOptions(TimeoutOptions.enabled(config.commandTimeout()))
                .socketOptions(SocketOptions.builder().connectTimeout(config.connectTimeout()).keepAlive(true).build());
    }
}
