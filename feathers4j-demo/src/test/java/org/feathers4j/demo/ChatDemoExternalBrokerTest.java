package org.feathers4j.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.feathers4j.Params;
import org.feathers4j.SyncState;
import org.feathers4j.demo.internal.EmbeddedRedis;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code --sync}: the demo on an external broker — the Redis that {@code scripts/services.sh}
 * starts on 127.0.0.1:6379 ({@code FEATHERS4J_REDIS_URI} overrides) — starts no Redis of its own.
 */
@Tag("broker")
@Timeout(120)
class ChatDemoExternalBrokerTest {

    private static final String REDIS_URI = System.getenv().getOrDefault("FEATHERS4J_REDIS_URI", "redis://127.0.0.1:6379");

    @Test
    void syncsThroughTheGivenBrokerAndStartsNoRedis() {
        URI u = URI.create(REDIS_URI);
        if (!EmbeddedRedis.accepting(u.getHost(), u.getPort() < 0 ? 6379 : u.getPort())) {
            fail("No Redis at " + REDIS_URI + ": start it with scripts/services.sh redis (or set FEATHERS4J_REDIS_URI)");
        }
        // a key of its own, so this test and any other user of the shared Redis do not see each other
        String key = "feathers4j-demo-test-" + System.nanoTime();
        DemoOptions options = new DemoOptions(List.of(0, 0), REDIS_URI, "127.0.0.1", 0, key);
        try (ChatDemo demo = ChatDemo.start(options)) {
            assertThat(demo.embeddedRedisPort()).isEqualTo(-1);
            assertThat(demo.syncUri()).isEqualTo(REDIS_URI);
            assertThat(demo.app(0).sync().type()).isEqualTo("redis");
            assertThat(demo.app(1).sync().state()).isEqualTo(SyncState.CONNECTED);
            List<Object> onTwo = new CopyOnWriteArrayList<>();
            demo.app(1).service("messages").on("created", (data, ctx) -> {
                if (ctx.isFromSync()) onTwo.add(data);
            });
            demo.app(0).service("messages").create(Map.of("text", "via the shared redis"),
                    new Params().provider("rest")).join();
            await().atMost(Duration.ofSeconds(10)).until(() -> !onTwo.isEmpty());
            Map<?, ?> seen = (Map<?, ?>) onTwo.get(0);
            assertThat(seen.get("text")).isEqualTo("via the shared redis");
            assertThat(seen.get("instance")).isEqualTo("instance 1");
        }
    }
}
