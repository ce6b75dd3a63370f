package org.feathers4j.sync.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.feathers4j.sync.SyncTestApps.uniqueKey;
import static org.feathers4j.sync.redis.RedisTestSupport.closeAll;
import static org.feathers4j.sync.redis.RedisTestSupport.sharedRedis;
import static org.feathers4j.sync.redis.RedisTestSupport.sleep;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.feathers4j.Application;
import org.feathers4j.SyncState;
import org.feathers4j.sync.DeliveryCheck;
import org.feathers4j.sync.DeliveryCheck.Recorder;
import org.feathers4j.sync.DeliveryCheck.Sender;
import org.feathers4j.sync.Sync;
import org.feathers4j.sync.SyncGap;
import org.feathers4j.sync.SyncOptions;
import org.feathers4j.sync.SyncTestApps;
import org.feathers4j.sync.TcpProxy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Streams mode on the shared Redis: resuming after cut links and killed connections, restarts, retention. */
@Tag("broker")
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class RedisStreamsTest {

    private final List<String> keys = new CopyOnWriteArrayList<>();
    private final List<Application> apps = new CopyOnWriteArrayList<>();

    @AfterEach
    void tearDown() {
        closeAll(apps.toArray(Application[]::new));
        RedisTestSupport.deleteStreamKeys(keys);
    }

    private String key(String test) {
        String k = uniqueKey(test);
        keys.add(k);
        return k;
    }

    static SyncOptions streams(String uri, String key, String instance) {
        return SyncOptions.uri(uri).key(key).instanceId(instance).option("mode", "streams")
                .option("retryDelayMax", Duration.ofMillis(500)).option("connectTimeout", Duration.ofSeconds(2));
    }

    private Application app(SyncOptions options) {
        Application app = SyncTestApps.app();
        app.configure(Sync.of(options));
        apps.add(app);
        return app;
    }

    private static void ready(Application... apps) {
        for (Application a : apps) a.sync().ready().orTimeout(15, TimeUnit.SECONDS).join();
    }

    private static void assertExact(Recorder r, String from, long sent) {
        assertThat(r.lost(from, sent)).as(r.describe(from, sent)).isZero();
        assertThat(r.duplicates(from)).as(r.describe(from, sent)).isZero();
        assertThat(r.outOfOrder(from)).as(r.describe(from, sent)).isZero();
        assertThat(r.gaps()).as(r.describe(from, sent)).isEmpty();
    }

    @Test
    void aReceiverWhoseLinkIsCutFor10sGetsEverythingOnceInOrder() throws Exception {
        String key = key("streams-cut");
        try (TcpProxy proxy = new TcpProxy("127.0.0.1", RedisTestSupport.port())) {
            proxy.open();
            Application a = app(streams(sharedRedis(), key, "sender"));
            Application b = app(streams("redis://127.0.0.1:" + proxy.port(), key, "cut-receiver"));
            ready(a, b);
            Recorder atA = DeliveryCheck.record(a);
            Recorder atB = DeliveryCheck.record(b);
            Sender sender = DeliveryCheck.send(a, "a", 500);
            sleep(2000);
            proxy.shut();
            await().atMost(Duration.ofSeconds(10)).until(() -> b.sync().state() != SyncState.CONNECTED);
            sleep(10_000);
            long beforeOpen = sender.sent();
            proxy.open();
            long openedAt = System.nanoTime();
            atB.awaitLast("a", beforeOpen, Duration.ofSeconds(30));
            long caughtUpMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - openedAt);
            sleep(1000);
            long sent = sender.stop();
            atA.awaitLast("a", sent, Duration.ofSeconds(20));
            atB.awaitLast("a", sent, Duration.ofSeconds(20));
            System.out.printf("%n[streams cut 10s] %s; B had the %d events of the cut %d ms after the link was back; "
                    + "B counters %s%n", atB.describe("a", sent), beforeOpen, caughtUpMs, b.sync().counters());
            assertExact(atB, "a", sent);
            assertExact(atA, "a", sent);
            assertThat(sender.failed()).isZero();
            assertThat(b.sync().counters().get("reconnects")).isGreaterThanOrEqualTo(1L);
            assertThat(caughtUpMs).as("catch-up after the link is back").isLessThan(20_000);
        }
    }

    @Test
    void aSenderWhoseLinkIsCutLosesNothingAndKeepsItsOrder() throws Exception {
        String key = key("streams-sender-cut");
        try (TcpProxy proxy = new TcpProxy("127.0.0.1", RedisTestSupport.port())) {
            proxy.open();
            Application a = app(streams("redis://127.0.0.1:" + proxy.port(), key, "cut-sender"));
            Application b = app(streams(sharedRedis(), key, "receiver"));
            ready(a, b);
            Recorder atB = DeliveryCheck.record(b);
            Sender sender = DeliveryCheck.send(a, "a", 500);
            for (int i = 0; i < 3; i++) {
                sleep(1000);
                proxy.shut();
                sleep(3000);
                proxy.open();
            }
            sleep(1000);
            long sent = sender.stop();
            atB.awaitLast("a", sent, Duration.ofSeconds(30));
            System.out.printf("%n[streams sender cut 3 x 3s] %s; A counters %s%n", atB.describe("a", sent), a.sync().counters());
            assertExact(atB, "a", sent);
            assertThat(a.sync().counters().get("reconnects")).isGreaterThanOrEqualTo(3L);
        }
    }

    @Test
    void killingTheSendersConnectionsKeepsOrder() {
        String key = key("streams-sender-kill");
        String name = "f4j-streams-sender-kill-" + java.util.UUID.randomUUID();
        Application a = app(streams(sharedRedis(), key, "killed-sender").option("clientName", name));
        Application b = app(streams(sharedRedis(), key, "receiver"));
        ready(a, b);
        Recorder atB = DeliveryCheck.record(b);
        Sender sender = DeliveryCheck.send(a, "a", 500);
        long killed = 0;
        RedisClient client = RedisClient.create(sharedRedis());
        try (StatefulRedisConnection<String, String> admin = client.connect()) {
            for (int round = 0; round < 5; round++) {
                sleep(700);
                for (String line : admin.sync().clientList().split("\n")) {
                    if (line.contains("name=" + name + " ")) {
                        String id = line.substring(line.indexOf("id=") + 3, line.indexOf(' ', line.indexOf("id=")));
                        killed += admin.sync().clientKill(io.lettuce.core.KillArgs.Builder.id(Long.parseLong(id)));
                    }
                }
            }
        } finally {
            client.shutdown();
        }
        sleep(1000);
        long sent = sender.stop();
        atB.awaitLast("a", sent, Duration.ofSeconds(20));
        System.out.printf("%n[streams sender kill] killed %d connections of the sender; %s; A counters %s%n", killed,
                atB.describe("a", sent), a.sync().counters());
        assertThat(killed).as("connections killed").isGreaterThanOrEqualTo(10);
        assertExact(atB, "a", sent);
    }

    @Test
    void killingTheReadersConnectionLosesNothing() {
        String key = key("streams-kill");
        String name = "f4j-streams-kill-" + java.util.UUID.randomUUID();
        Application a = app(streams(sharedRedis(), key, "sender"));
        Application b = app(streams(sharedRedis(), key, "killed").option("clientName", name));
        ready(a, b);
        Recorder atB = DeliveryCheck.record(b);
        Map<Long, Long> arrivedAt = new java.util.concurrent.ConcurrentHashMap<>();
        b.service("messages").on("created", (d, ctx) -> arrivedAt.put(((Number) ((Map<?, ?>) d).get("n")).longValue(), System.nanoTime()));
        Sender sender = DeliveryCheck.send(a, "a", 500);
        int killed = 0;
        List<Long> backAfterMs = new ArrayList<>();
        RedisClient client = RedisClient.create(sharedRedis());
        try (StatefulRedisConnection<String, String> admin = client.connect()) {
            for (int round = 0; round < 3; round++) {
                sleep(1000);
                for (String line : admin.sync().clientList().split("\n")) {
                    // the reader's connection: the one that runs XREAD or the check script
                    if (line.contains("name=" + name + " ") && (line.contains("cmd=xread") || line.contains("cmd=eval"))) {
                        String id = line.substring(line.indexOf("id=") + 3, line.indexOf(' ', line.indexOf("id=")));
                        long at = System.nanoTime();
                        killed += admin.sync().clientKill(io.lettuce.core.KillArgs.Builder.id(Long.parseLong(id))).intValue();
                        long next = sender.sent() + 2; // surely created after the kill
                        // receiving again: the first event created after the kill has arrived
                        atB.awaitLast("a", next, Duration.ofSeconds(10));
                        backAfterMs.add(TimeUnit.NANOSECONDS.toMillis(arrivedAt.get(next) - at));
                    }
                }
            }
        } finally {
            client.shutdown();
        }
        sleep(1000);
        long sent = sender.stop();
        atB.awaitLast("a", sent, Duration.ofSeconds(20));
        System.out.printf("%n[streams client kill] killed the reader's connection %d times; receiving again after %s ms; "
                + "%s; B counters %s%n", killed, backAfterMs, atB.describe("a", sent), b.sync().counters());
        assertThat(killed).as("reader connections killed").isEqualTo(3);
        assertThat(b.sync().counters().get("streamReadErrors")).isGreaterThanOrEqualTo(1L);
        assertExact(atB, "a", sent);
    }

    @Test
    void aSlowListenerMakesTheReaderWaitNotDrop() {
        String key = key("streams-slow");
        Application a = app(streams(sharedRedis(), key, "sender"));
        Application b = app(streams(sharedRedis(), key, "slow").deliveryQueueSize(5));
        ready(a, b);
        Recorder atB = DeliveryCheck.record(b);
        b.service("messages").on("created", (d, ctx) -> sleep(2)); // ~ 400/s at most
        Sender sender = DeliveryCheck.send(a, "a", 1000);
        sleep(2000);
        long sent = sender.stop();
        atB.awaitLast("a", sent, Duration.ofSeconds(30));
        System.out.printf("%n[streams slow listener] %s; B counters %s%n", atB.describe("a", sent), b.sync().counters());
        assertExact(atB, "a", sent);
        assertThat(b.sync().counters().get("deliveryQueuePeak")).isLessThanOrEqualTo(5L);
    }

    @Test
    void restartWithResumeNewSkipsWhatWasPublishedWhileDown() {
        String key = key("streams-new");
        Application a = app(streams(sharedRedis(), key, "sender"));
        Application b = app(streams(sharedRedis(), key, "restarted"));
        ready(a, b);
        Recorder atB = DeliveryCheck.record(b);
        create(a, 1, 10);
        atB.awaitLast("a", 10, Duration.ofSeconds(10));
        closeAll(b);
        create(a, 11, 20); // while b is down
        Application b2 = app(streams(sharedRedis(), key, "restarted"));
        ready(b2);
        Recorder atB2 = DeliveryCheck.record(b2);
        create(a, 21, 30);
        atB2.awaitLast("a", 30, Duration.ofSeconds(10));
        sleep(500);
        assertThat(atB2.received("a")).containsExactly(21L, 22L, 23L, 24L, 25L, 26L, 27L, 28L, 29L, 30L);
        assertThat(atB2.gaps()).isEmpty();
    }

    @Test
    void restartWithResumeLastDeliversWhatWasPublishedWhileDownOnce() {
        String key = key("streams-last");
        Application a = app(streams(sharedRedis(), key, "sender"));
        Application b = app(streams(sharedRedis(), key, "restarted").resume(SyncOptions.Resume.LAST));
        ready(a, b);
        Recorder atB = DeliveryCheck.record(b);
        create(a, 1, 10);
        atB.awaitLast("a", 10, Duration.ofSeconds(10));
        closeAll(b); // a clean stop stores the cursor
        create(a, 11, 20);
        Application b2 = app(streams(sharedRedis(), key, "restarted").resume(SyncOptions.Resume.LAST));
        Recorder atB2 = DeliveryCheck.record(b2);
        ready(b2);
        create(a, 21, 30);
        atB2.awaitLast("a", 30, Duration.ofSeconds(10));
        sleep(500);
        List<Long> expected = new ArrayList<>();
        for (long n = 11; n <= 30; n++) expected.add(n);
        assertThat(atB2.received("a")).containsExactlyElementsOf(expected);
        assertThat(atB2.gaps()).isEmpty();
    }

    @Test
    void aReaderStoppedLongerThanTheStreamKeepsGetsARetentionGapWithTheCount() {
        String key = key("streams-retention");
        Application a = app(streams(sharedRedis(), key, "sender").option("streamMaxLength", 10));
        Application b = app(streams(sharedRedis(), key, "stopped").resume(SyncOptions.Resume.LAST));
        ready(a, b);
        Recorder atB = DeliveryCheck.record(b);
        create(a, 1, 5);
        atB.awaitLast("a", 5, Duration.ofSeconds(10));
        closeAll(b);
        create(a, 6, 1005); // MAXLEN ~ 10 trims whole nodes (100 entries each): most of these are gone
        Application b2 = app(streams(sharedRedis(), key, "stopped").resume(SyncOptions.Resume.LAST));
        Recorder atB2 = DeliveryCheck.record(b2);
        ready(b2);
        atB2.awaitLast("a", 1005, Duration.ofSeconds(10));
        sleep(500);
        long lost = 1000 - atB2.received("a").size();
        System.out.printf("%n[streams retention] after the restart: received %d of the 1000 added while down, gaps %s%n",
                atB2.received("a").size(), atB2.gaps());
        assertThat(atB2.gaps()).hasSize(1);
        SyncGap gap = atB2.gaps().get(0);
        assertThat(gap.reason()).isEqualTo(SyncGap.Reason.RETENTION_EXCEEDED);
        assertThat(lost).isPositive();
        assertThat(gap.missed()).as("the gap's count is the number lost").isEqualTo(lost);
        assertThat(atB2.duplicates("a")).isZero();
        assertThat(atB2.outOfOrder("a")).isZero();
        // what arrived is the newest entries, without holes: 6..1005 minus a prefix
        assertThat(atB2.received("a").get(0)).isEqualTo(6 + lost);
    }

    @Test
    void streamMaxAgeTrimsOldEntries() {
        String key = key("streams-age");
        Application a = app(streams(sharedRedis(), key, "aged").option("streamMaxAge", "1s"));
        ready(a);
        create(a, 1, 350); // 4 nodes of at most 100 entries: approximate trimming drops whole nodes
        RedisClient client = RedisClient.create(sharedRedis());
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            assertThat(c.sync().xlen("{" + key + "}:stream")).isEqualTo(350L);
            await().atMost(Duration.ofSeconds(10)).until(() -> c.sync().xlen("{" + key + "}:stream") < 350);
            System.out.printf("%n[streams max age] 350 entries, streamMaxAge 1s: %d left; counters %s%n",
                    c.sync().xlen("{" + key + "}:stream"), a.sync().counters());
        } finally {
            client.shutdown();
        }
        assertThat(a.sync().counters().get("streamTrims")).isPositive();
    }

    @Test
    void aForeignEntryIsSkippedAndCounted() {
        String key = key("streams-foreign");
        Application a = app(streams(sharedRedis(), key, "sender"));
        Application b = app(streams(sharedRedis(), key, "receiver"));
        ready(a, b);
        Recorder atB = DeliveryCheck.record(b);
        RedisClient client = RedisClient.create(sharedRedis());
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            c.sync().xadd("{" + key + "}:stream", Map.of("other", "field"));
        } finally {
            client.shutdown();
        }
        create(a, 1, 1);
        atB.awaitLast("a", 1, Duration.ofSeconds(10));
        assertThat(b.sync().counters()).containsEntry("streamMalformed", 1L).containsEntry("streamEntriesRead", 2L);
        assertThat(b.sync().state()).isEqualTo(SyncState.CONNECTED);
    }

    @Test
    void closeStopsEveryThreadTheAdapterStarted() {
        java.util.Set<Thread> before = new java.util.HashSet<>(Thread.getAllStackTraces().keySet());
        Application a = app(streams(sharedRedis(), key("streams-threads"), "threads"));
        ready(a);
        a.service("messages").create(Map.of("n", 1)).join();
        assertThat(newThreads(before, "feathers4j-redis-sync-")).hasSize(3); // scheduler, stream reader, delivery
        long started = System.nanoTime();
        a.sync().close().orTimeout(15, TimeUnit.SECONDS).join();
        long closeMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(newThreads(before, "feathers4j-redis-sync-")).isEmpty();
            assertThat(newThreads(before, "lettuce-")).isEmpty();
        });
        System.out.printf("%n[streams close] close took %d ms%n", closeMs);
        assertThat(closeMs).as("close (the reader blocks at most 500 ms per read)").isLessThan(5000);
    }

    private static List<String> newThreads(java.util.Set<Thread> before, String prefix) {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.isAlive() && !before.contains(t))
                .map(Thread::getName).filter(n -> n.startsWith(prefix)).toList();
    }

    @Test
    void resumeLastIsRefusedInPubSubMode() {
        SyncOptions o = SyncOptions.uri(sharedRedis()).key(key("refuse")).instanceId("x").resume(SyncOptions.Resume.LAST);
        assertThatThrownBy(() -> RedisSync.adapter(o, RedisSyncConfig.from(o)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("mode=streams");
    }

    @Test
    void keyNamesShareOneHashTag() {
        String key = key("names");
        Application a = app(streams(sharedRedis(), key, "named"));
        ready(a);
        a.service("messages").create(Map.of("n", 1)).join();
        closeAll(a);
        RedisClient client = RedisClient.create(sharedRedis());
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            assertThat(c.sync().type("{" + key + "}:stream")).isEqualTo("stream");
            assertThat(c.sync().get("{" + key + "}:cursor:named")).matches("\\d+-\\d+ \\d+");
        } finally {
            client.shutdown();
        }
    }

    private static void create(Application app, long from, long to) {
        for (long n = from; n <= to; n++) app.service("messages").create(Map.of("from", "a", "n", n)).join();
    }
}
