package org.feathers4j.sync.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.feathers4j.sync.SyncTestApps.freePort;
import static org.feathers4j.sync.SyncTestApps.uniqueKey;
import static org.feathers4j.sync.redis.RedisTestSupport.app;
import static org.feathers4j.sync.redis.RedisTestSupport.closeAll;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.feathers4j.Application;
import org.feathers4j.SyncState;
import org.feathers4j.sync.SyncOptions;
import org.feathers4j.sync.SyncTestApps;
import org.feathers4j.sync.SyncTestApps.Received;
import org.feathers4j.sync.redis.RedisTestSupport.PrivateRedis;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * {@code SyncOptions.localFirst(true)} through a real outage: the instance's own clients stay live while Redis is
 * down (its events are emitted at once), the others get them once Redis is back, and nobody gets one twice.
 */
@Tag("broker")
class RedisLocalFirstTest {

    private PrivateRedis redis;
    private Application local;
    private Application other;

    @AfterEach
    void stop() {
        closeAll(local, other);
        if (redis != null) redis.close();
    }

    @Test
    void ownEventsAreDeliveredAtOnceDuringAnOutageAndOnceOnly() {
        redis = new PrivateRedis(freePort()).start();
        String key = uniqueKey("local-first");
        local = app(SyncOptions.uri(redis.uri()).key(key).localFirst(true));
        other = app(redis.uri(), key);
        for (Application a : List.of(local, other)) a.sync().ready().orTimeout(20, TimeUnit.SECONDS).join();
        List<Received> onLocal = SyncTestApps.record(local);
        List<Received> onOther = SyncTestApps.record(other);

        local.service("messages").create(Map.of("text", "before")).join();
        assertThat(onLocal).hasSize(1); // emitted when it happened, not when it came back
        await().atMost(Duration.ofSeconds(10)).until(() -> onOther.size() == 1);

        // the sender knows both subscribers, so after the outage it waits for the other before it sends
        await().atMost(Duration.ofSeconds(10)).until(() -> local.sync().counters().get("channelSubscribers") == 2L);
        redis.kill();
        await().atMost(Duration.ofSeconds(10)).until(() -> local.sync().state() != SyncState.CONNECTED);
        local.service("messages").create(Map.of("text", "during")).join();
        assertThat(SyncTestApps.data(onLocal)).extracting(d -> d.get("text")).containsExactly("before", "during");
        assertThat(onOther).hasSize(1);

        redis.start();
        await().atMost(Duration.ofSeconds(20)).until(() -> onOther.size() == 2);
        assertThat(SyncTestApps.data(onOther)).extracting(d -> d.get("text")).containsExactly("before", "during");
        other.service("messages").create(Map.of("text", "from other")).join();
        await().atMost(Duration.ofSeconds(10)).until(() -> onLocal.size() == 3);
        // its own two came back through Redis and were skipped, not delivered again
        await().atMost(Duration.ofSeconds(10)).until(() -> local.sync().counters().get("ownEchoesSkipped") == 2L);
        assertThat(SyncTestApps.data(onLocal)).extracting(d -> d.get("text")).containsExactly("before", "during", "from other");
        assertThat(onLocal.get(2).context().isFromSync()).isTrue();
    }
}
