package org.feathers4j.sync.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.feathers4j.sync.redis.RedisTestSupport.app;
import static org.feathers4j.sync.redis.RedisTestSupport.closeAll;
import static org.feathers4j.sync.redis.RedisTestSupport.sharedRedis;
import static org.feathers4j.sync.SyncTestApps.uniqueKey;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.feathers4j.Application;
import org.feathers4j.sync.LogCapture;
import org.feathers4j.sync.SyncOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 15, finding 7: a 50,000-message flood on the real Redis channel while a real event is created.
 * The receiver's delivery is held (a listener waits) so the flood arrives faster than it is delivered,
 * as it does on a loaded instance: the queue between Lettuce and sync must stay within its bound, drop
 * and count the rest, and the instance must go on syncing afterwards.
 */
@Tag("broker")
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class RedisFloodTest {

    private static final int FLOOD = 50_000;

    private Application a;
    private Application b;
    private RedisClient raw;

    @AfterEach
    void tearDown() {
        closeAll(a, b);
        if (raw != null) raw.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }

    @Test
    void aFloodStaysWithinTheDeliveryQueueBoundIsCountedAndSyncGoesOn() throws Exception {
        String uri = sharedRedis();
        String key = uniqueKey("flood");
        a = app(SyncOptions.uri(uri).key(key)); // the defaults: 10,000 messages, 16 MiB
        b = app(SyncOptions.uri(uri).key(key));
        a.sync().ready().get(20, TimeUnit.SECONDS);
        b.sync().ready().get(20, TimeUnit.SECONDS);

        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean held = new AtomicBoolean();
        AtomicInteger floodSeen = new AtomicInteger();
        List<Object> real = new CopyOnWriteArrayList<>();
        a.service("messages").on("created", (data, ctx) -> {
            Map<?, ?> m = (Map<?, ?>) data;
            if (m.containsKey("flood")) {
                floodSeen.incrementAndGet();
                if (held.compareAndSet(false, true)) {
                    try {
                        release.await(60, TimeUnit.SECONDS); // holds the delivery thread
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            } else {
                real.add(m.get("text"));
            }
        });

        b.service("messages").create(Map.of("text", "before")).get(10, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(10)).until(() -> real.contains("before"));

        try (LogCapture log = LogCapture.start()) {
            raw = RedisClient.create(uri);
            StatefulRedisConnection<byte[], byte[]> pub = raw.connect(ByteArrayCodec.INSTANCE);
            byte[] channel = key.getBytes(StandardCharsets.UTF_8);
            List<RedisFuture<Long>> sent = new ArrayList<>(FLOOD);
            for (int i = 0; i < FLOOD; i++) {
                String m = "{\"event\":\"created\",\"path\":\"messages\",\"data\":{\"flood\":" + i + "},\"context\":{}}";
                sent.add(pub.async().publish(channel, m.getBytes(StandardCharsets.UTF_8)));
            }
            for (RedisFuture<Long> f : sent) f.get(30, TimeUnit.SECONDS);
            b.service("messages").create(Map.of("text", "during")).get(10, TimeUnit.SECONDS); // the real event

            // everything has reached a's subscriber: one message held by the listener, the rest queued or dropped
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                Map<String, Long> c = a.sync().counters();
                return c.get("deliveryQueue") + c.getOrDefault("deliveryDropped", 0L) >= FLOOD;
            });
            Map<String, Long> during = a.sync().counters();
            assertThat(during.get("deliveryQueue")).as("queue depth").isLessThanOrEqualTo(SyncOptions.DEFAULT_DELIVERY_QUEUE_SIZE);
            assertThat(during.get("deliveryQueuePeak")).isEqualTo(SyncOptions.DEFAULT_DELIVERY_QUEUE_SIZE);
            assertThat(during.get("deliveryQueueBytes")).isLessThanOrEqualTo(SyncOptions.DEFAULT_DELIVERY_QUEUE_BYTES);
            assertThat(during.get("deliveryDropped")).isEqualTo(FLOOD + 1 - 1 - SyncOptions.DEFAULT_DELIVERY_QUEUE_SIZE);

            release.countDown();
            await().atMost(Duration.ofSeconds(30)).until(() -> a.sync().counters().get("deliveryQueue") == 0);
            long dropped = a.sync().counters().get("deliveryDropped");
            // every message on the channel was delivered or counted as dropped, the real event included
            assertThat(floodSeen.get() + (real.contains("during") ? 1 : 0) + dropped).isEqualTo(FLOOD + 1);
            assertThat(log.lines("delivery queue full")).as("a WARN at a bounded rate, not one per message")
                    .hasSizeBetween(1, 3).allMatch(l -> !l.contains("flood"));
        }

        b.service("messages").create(Map.of("text", "after")).get(10, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(10)).until(() -> real.contains("after"));
        Map<String, Long> c = a.sync().counters();
        if (!real.contains("during")) {
            assertThat(c.get("gaps")).as("the dropped real event shows as a gap in b's sequence").isEqualTo(1L);
        }
        assertThat(c.get("deliveryDropped")).isEqualTo(FLOOD - SyncOptions.DEFAULT_DELIVERY_QUEUE_SIZE);
    }
}
