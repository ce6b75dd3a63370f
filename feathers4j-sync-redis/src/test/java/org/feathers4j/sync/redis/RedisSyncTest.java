package org.feathers4j.sync.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.feathers4j.sync.SyncTestApps.field;
import static org.feathers4j.sync.SyncTestApps.record;
import static org.feathers4j.sync.redis.RedisTestSupport.app;
import static org.feathers4j.sync.redis.RedisTestSupport.closeAll;
import static org.feathers4j.sync.redis.RedisTestSupport.sharedRedis;
import static org.feathers4j.sync.SyncTestApps.uniqueKey;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.feathers4j.Application;
import org.feathers4j.Method;
import org.feathers4j.Params;
import org.feathers4j.Service;
import org.feathers4j.SyncState;
import org.feathers4j.memory.MemoryService;
import org.feathers4j.sync.Sync;
import org.feathers4j.sync.GzipJsonSerializer;
import org.feathers4j.sync.SyncOptions;
import org.feathers4j.sync.SyncTestApps.Received;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Sync through the shared Redis: several apps in one JVM, each with its own connections. */
@Tag("broker")
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RedisSyncTest {

    private String uri;
    private String key;
    private Application a;
    private Application b;
    private Application c;
    private RedisClient raw;

    @BeforeEach
    void setUp() {
        uri = sharedRedis();
        key = uniqueKey("sync");
    }

    @AfterEach
    void tearDown() {
        closeAll(a, b, c);
        if (raw != null) raw.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }

    private void readyAll(Application... apps) {
        for (Application app : apps) app.sync().ready().orTimeout(15, TimeUnit.SECONDS).join();
    }

    @Test
    void closeStopsEveryThreadTheAdapterStarted() {
        a = app(uri, key);
        readyAll(a);
        assertThat(liveThreads("feathers4j-redis-sync-")).isNotEmpty();
        a.sync().close().orTimeout(15, TimeUnit.SECONDS).join();
        assertThat(a.sync().state()).isEqualTo(SyncState.CLOSED);
        // the adapter's scheduler and delivery threads and its own Lettuce event loops end
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(liveThreads("feathers4j-redis-sync-")).isEmpty();
            assertThat(liveThreads("lettuce-")).isEmpty();
        });
    }

    private static List<String> liveThreads(String prefix) {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(n -> n.startsWith(prefix)).toList();
    }

    @Test
    void withBatchingABurstArrivesWholeAndInOrderInFewerRedisMessages() {
        raw = RedisClient.create(uri);
        StatefulRedisPubSubConnection<byte[], byte[]> spy = raw.connectPubSub(ByteArrayCodec.INSTANCE);
        java.util.concurrent.atomic.AtomicInteger onTheWire = new java.util.concurrent.atomic.AtomicInteger();
        spy.addListener(new io.lettuce.core.pubsub.RedisPubSubAdapter<>() {
            @Override
            public void message(byte[] channel, byte[] message) {
                onTheWire.incrementAndGet();
            }
        });
        spy.sync().subscribe(key.getBytes(StandardCharsets.UTF_8));
        a = app(SyncOptions.uri(uri).key(key).batch(true));
        b = app(SyncOptions.uri(uri).key(key).batch(true));
        c = app(SyncOptions.uri(uri).key(key)); // batching off: reads frames all the same
        readyAll(a, b, c);
        List<Received> rb = record(b);
        List<Received> rc = record(c);
        int n = 3000;
        List<java.util.concurrent.CompletableFuture<Object>> calls = new java.util.ArrayList<>();
        for (int i = 0; i < n; i++) calls.add(a.service("messages").create(Map.of("n", i)));
        java.util.concurrent.CompletableFuture.allOf(calls.toArray(java.util.concurrent.CompletableFuture[]::new)).join();
        await().atMost(Duration.ofSeconds(30)).until(() -> rb.size() >= n && rc.size() >= n);
        List<Object> expected = new java.util.ArrayList<>();
        for (int i = 0; i < n; i++) expected.add(i);
        assertThat(field(rb, "n")).containsExactlyElementsOf(expected);
        assertThat(field(rc, "n")).containsExactlyElementsOf(expected);
        Map<String, Long> counters = a.sync().counters();
        assertThat(counters.get("framesSent")).isPositive();
        assertThat(onTheWire.get()).as("Redis messages for %s events", n).isLessThan(n);
        assertThat(c.sync().counters()).containsEntry("dropped", 0L);
    }

    @Test
    void aBinarySerializerWorks() {
        raw = RedisClient.create(uri);
        StatefulRedisPubSubConnection<byte[], byte[]> spy = raw.connectPubSub(ByteArrayCodec.INSTANCE);
        List<byte[]> onTheWire = new CopyOnWriteArrayList<>();
        spy.addListener(new io.lettuce.core.pubsub.RedisPubSubAdapter<>() {
            @Override
            public void message(byte[] channel, byte[] message) {
                onTheWire.add(message);
            }
        });
        spy.sync().subscribe(key.getBytes(StandardCharsets.UTF_8));

        a = app(SyncOptions.uri(uri).key(key).serializer(new GzipJsonSerializer()));
        b = app(SyncOptions.uri(uri).key(key).serializer(new GzipJsonSerializer()));
        readyAll(a, b);
        List<Received> rb = record(b);
        a.service("messages").create(Map.of("text", "zipped", "bytes", "\u00e9\u0000\u00ff")).join();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(field(rb, "text")).containsExactly("zipped"));
        assertThat(field(rb, "bytes")).containsExactly("\u00e9\u0000\u00ff");
        assertThat(onTheWire).hasSize(1);
        assertThat(onTheWire.get(0)[0] & 0xff).isEqualTo(0x1f); // gzip magic
        assertThat(onTheWire.get(0)[1] & 0xff).isEqualTo(0x8b);
    }

    @Test
    void malformedMessagesAreDroppedAndCountedAndTheSubscriptionGoesOn() {
        a = app(uri, key);
        b = app(uri, key);
        readyAll(a, b);
        List<Received> rb = record(b);
        raw = RedisClient.create(uri);
        try (StatefulRedisConnection<byte[], byte[]> conn = raw.connect(ByteArrayCodec.INSTANCE)) {
            byte[] k = key.getBytes(StandardCharsets.UTF_8);
            conn.sync().publish(k, "not json at all".getBytes(StandardCharsets.UTF_8));
            conn.sync().publish(k, new byte[] {(byte) 0xff, 0, 1, 2, (byte) 0xfe});
            conn.sync().publish(k, "{\"event\":\"created\",\"path\":\"nowhere\",\"data\":{}}".getBytes(StandardCharsets.UTF_8));
            conn.sync().publish(k, "{\"path\":\"messages\"}".getBytes(StandardCharsets.UTF_8));
        }
        a.service("messages").create(Map.of("text", "after the garbage")).join();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(field(rb, "text")).containsExactly("after the garbage");
            assertThat(b.sync().counters()).containsEntry("dropped", 4L);
        });
        assertThat(b.sync().state()).isEqualTo(SyncState.CONNECTED);
    }

    @Test
    void aNodeStyleMessageWithoutOriginIsAccepted() {
        a = app(uri, key);
        readyAll(a);
        List<Received> ra = record(a);
        raw = RedisClient.create(uri);
        try (StatefulRedisConnection<String, String> conn = raw.connect()) {
            conn.sync().publish(key, "{\"event\":\"created\",\"path\":\"messages\",\"data\":{\"id\":7,\"text\":\"node\"},"
                    + "\"context\":{\"params\":{\"provider\":\"socketio\"},\"method\":\"create\",\"type\":\"around\"}}");
        }
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(field(ra, "text")).containsExactly("node"));
        assertThat(ra.get(0).context().params().provider()).isEqualTo("socketio");
    }

    @Test
    void anAdapterFromAnExistingClientLeavesTheClientOpen() {
        raw = RedisClient.create();
        RedisURI ru = RedisURI.create(uri);
        a = new Application().use("messages", new MemoryService());
        a.configure(RedisSync.with(raw, SyncOptions.uri(uri).key(key)));
        b = app(uri, key);
        readyAll(a, b);
        List<Received> rb = record(b);
        a.service("messages").create(Map.of("text", "via your client")).join();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(field(rb, "text")).containsExactly("via your client"));
        a.sync().close().orTimeout(10, TimeUnit.SECONDS).join();
        try (StatefulRedisConnection<String, String> still = raw.connect(ru)) {
            assertThat(still.sync().ping()).isEqualTo("PONG");
        }
    }

    @Test
    void anAdapterFromExistingConnectionsNeverClosesThem() {
        raw = RedisClient.create(uri);
        StatefulRedisConnection<byte[], byte[]> p = raw.connect(ByteArrayCodec.INSTANCE);
        StatefulRedisPubSubConnection<byte[], byte[]> s = raw.connectPubSub(ByteArrayCodec.INSTANCE);
        a = new Application().use("messages", new MemoryService());
        a.configure(RedisSync.with(p, s, new SyncOptions().key(key)));
        b = app(uri, key);
        readyAll(a, b);
        List<Received> ra = record(a);
        b.service("messages").create(Map.of("text", "to your connections")).join();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(field(ra, "text")).containsExactly("to your connections"));
        a.sync().close().orTimeout(10, TimeUnit.SECONDS).join();
        assertThat(p.isOpen()).isTrue();
        assertThat(s.isOpen()).isTrue();
        assertThat(p.sync().publish(key.getBytes(StandardCharsets.UTF_8), new byte[] {1})).isGreaterThanOrEqualTo(1L);
        // unsubscribed on close: only b listens now
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(p.sync().publish(key.getBytes(StandardCharsets.UTF_8), new byte[] {1})).isEqualTo(1L));
    }
}
