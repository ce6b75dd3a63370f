package org.feathers4j.sync.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.feathers4j.sync.SyncTestApps.field;
import static org.feathers4j.sync.SyncTestApps.record;
import static org.feathers4j.sync.SyncTestApps.uniqueKey;
import static org.feathers4j.sync.redis.RedisTestSupport.closeAll;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.feathers4j.Application;
import org.feathers4j.memory.MemoryService;
import org.feathers4j.sync.SyncOptions;
import org.feathers4j.sync.SyncTestApps.Received;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The adapter on a RedisClusterClient of the application's, on the shared cluster: it works, and stays the application's. */
@Tag("broker")
class RedisClusterClientTest {

    private RedisClusterClient client;
    private Application a;
    private Application b;
    private String key;

    @AfterEach
    void tearDown() {
        closeAll(a, b);
        if (key != null) RedisClusterTestSupport.deleteStreamKeys(List.of(key));
        if (client != null) client.shutdown();
    }

    @ParameterizedTest
    @ValueSource(strings = {"pubsub", "streams"})
    void anAdapterOnYourClusterClientSyncsAndNeverClosesIt(String mode) {
        String uri = RedisTestSupport.sharedCluster();
        client = RedisClusterClient.create(RedisURI.create("redis://127.0.0.1:7000"));
        client.setOptions(ClusterClientOptions.builder().topologyRefreshOptions(ClusterTopologyRefreshOptions.builder()
                .enableAllAdaptiveRefreshTriggers().enablePeriodicRefresh(Duration.ofSeconds(10)).build()).build());
        key = uniqueKey("cluster-client");
        a = new Application().use("messages", new MemoryService());
        a.configure(RedisSync.with(client, new SyncOptions().key(key).option("mode", mode))); // no URI needed
        b = RedisTestSupport.app(SyncOptions.uri(uri).key(key).option("mode", mode));
        a.sync().ready().orTimeout(20, TimeUnit.SECONDS).join();
        b.sync().ready().orTimeout(20, TimeUnit.SECONDS).join();
        List<Received> onB = record(b);
        a.service("messages").create(Map.of("text", "via your cluster client")).join();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(field(onB, "text")).containsExactly("via your cluster client"));
        a.sync().close().orTimeout(10, TimeUnit.SECONDS).join();
        try (var still = client.connect()) {
            assertThat(still.sync().ping()).isEqualTo("PONG");
        }
    }

    @org.junit.jupiter.api.Test
    void aRedisClientIsRefusedForAClusterUriWithAClearMessage() {
        RedisClient single = RedisClient.create();
        try {
            assertThatThrownBy(() -> RedisSync.with(single, SyncOptions.uri("redis-cluster://127.0.0.1:7000")))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("RedisClusterClient");
        } finally {
            single.shutdown();
        }
    }
}
