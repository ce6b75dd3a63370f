package org.feathers4j.sync.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.feathers4j.sync.SyncTestApps.uniqueKey;
import static org.feathers4j.sync.redis.RedisTestSupport.app;
import static org.feathers4j.sync.redis.RedisTestSupport.closeAll;
import static org.feathers4j.sync.redis.RedisTestSupport.sharedRedis;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.feathers4j.Application;
import org.feathers4j.sync.LogCapture;
import org.feathers4j.sync.SyncOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code directDelivery} against the shared Redis: where listeners run with it on and off, and that a listener
 * which blocks or throws on Lettuce's I/O thread is counted and logged and loses nothing after it.
 */
@Tag("broker")
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RedisDirectDeliveryTest {

    private Application a;
    private Application b;

    @AfterEach
    void tearDown() {
        closeAll(a, b);
    }

    @Test
    void onListenersRunOnLettucesIoThreadAndOffOnTheDeliveryThread() throws Exception {
        assertThat(listenerThread(true)).as("direct delivery").startsWith("lettuce-");
        closeAll(a, b);
        assertThat(listenerThread(false)).as("the default").isEqualTo("feathers4j-redis-sync-delivery");
    }

    private String listenerThread(boolean direct) throws Exception {
        String key = uniqueKey("direct");
        a = app(SyncOptions.uri(sharedRedis()).key(key));
        b = app(SyncOptions.uri(sharedRedis()).key(key).option("directDelivery", direct));
        a.sync().ready().get(20, TimeUnit.SECONDS);
        b.sync().ready().get(20, TimeUnit.SECONDS);
        List<String> threads = new CopyOnWriteArrayList<>();
        b.service("messages").on("created", (data, ctx) -> threads.add(Thread.currentThread().getName()));
        a.service("messages").create(Map.of("text", "where")).get(10, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(10)).until(() -> !threads.isEmpty());
        assertThat(b.sync().counters()).containsEntry("deliveryQueuePeak", direct ? 0L : 1L);
        return threads.get(0);
    }

    @Test
    void aBlockingOrThrowingListenerIsCountedAndLoggedAndTheEventsAfterItArriveInOrder() throws Exception {
        String key = uniqueKey("direct-slow");
        a = app(SyncOptions.uri(sharedRedis()).key(key));
        b = app(SyncOptions.uri(sharedRedis()).key(key).option("directDelivery", "true"));
        a.sync().ready().get(20, TimeUnit.SECONDS);
        b.sync().ready().get(20, TimeUnit.SECONDS);
        List<Object> got = new CopyOnWriteArrayList<>();
        b.service("messages").on("created", (data, ctx) -> {
            Object n = ((Map<?, ?>) data).get("n");
            got.add(n);
            if (Integer.valueOf(0).equals(n)) {
                try {
                    Thread.sleep(300); // blocks the I/O thread: what directDelivery's javadoc warns of
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            if (Integer.valueOf(1).equals(n)) throw new ListenerError(); // the core's listener guard lets it through
        });
        try (LogCapture log = LogCapture.start()) {
            for (int i = 0; i < 20; i++) a.service("messages").create(Map.of("n", i)).get(10, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(10)).until(() -> got.size() == 20);
            assertThat(got).containsExactlyElementsOf(java.util.stream.IntStream.range(0, 20).boxed().toList());
            // at least the 300 ms one (a loaded machine may stall another delivery past 100 ms too)
            assertThat(b.sync().counters().get("slowDirectDeliveries")).isGreaterThanOrEqualTo(1L);
            assertThat(b.sync().counters()).containsEntry("gaps", 0L);
            assertThat(log.lines("held Lettuce's I/O thread")).as("the first one logged, then at most every 10 s")
                    .isNotEmpty().allMatch(l -> l.contains("slowDirectDeliveries"));
            assertThat(log.lines("the message handler threw")).hasSize(1);
        }
        assertThat(b.sync().state()).isEqualTo(org.feathers4j.SyncState.CONNECTED);
    }

    /** An Error the core does not catch per listener (it catches RuntimeException, LinkageError, AssertionError). */
    private static final class ListenerError extends Error {
        ListenerError() {
            super("a listener's Error");
        }
    }

    @Test
    void theSettingIsReadCheckedAndShown() {
        RedisSyncConfig on = RedisSyncConfig.from(SyncOptions.uri("redis://127.0.0.1:6379").option("directDelivery", "true"));
        assertThat(on.directDelivery()).isTrue();
        assertThat(on.toString()).contains("directDelivery=true");
        assertThat(RedisSyncConfig.create().directDelivery()).isEqualTo(RedisSyncConfig.DEFAULT_DIRECT_DELIVERY).isFalse();
        assertThat(on).isNotEqualTo(RedisSyncConfig.create()).isEqualTo(on.toBuilder().build());
        assertThatThrownBy(() -> RedisSyncConfig.from(SyncOptions.uri("redis://127.0.0.1:6379").option("directDelivery", "yes please")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("directDelivery");
        assertThatThrownBy(() -> RedisSyncConfig.builder().mode(RedisSyncConfig.Mode.STREAMS).directDelivery(true).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("directDelivery applies to pub/sub mode only");
    }
}
