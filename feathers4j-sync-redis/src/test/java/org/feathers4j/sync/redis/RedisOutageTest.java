package org.feathers4j.sync.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.feathers4j.sync.SyncTestApps.field;
import static org.feathers4j.sync.SyncTestApps.record;
import static org.feathers4j.sync.redis.RedisTestSupport.app;
import static org.feathers4j.sync.redis.RedisTestSupport.closeAll;
import static org.feathers4j.sync.SyncTestApps.freePort;
import static org.feathers4j.sync.redis.RedisTestSupport.sleep;
import static org.feathers4j.sync.SyncTestApps.uniqueKey;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.feathers4j.Application;
import org.feathers4j.SyncState;
import org.feathers4j.sync.Arrivals;
import org.feathers4j.sync.SyncException;
import org.feathers4j.sync.SyncOptions;
import org.feathers4j.sync.redis.RedisTestSupport.PrivateRedis;
import org.feathers4j.sync.SyncTestApps.Received;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Outages of a private redis-server (the shared one is never touched). */
@Tag("broker")
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RedisOutageTest {

    private final List<Throwable> uncaught = new CopyOnWriteArrayList<>();
    private Thread.UncaughtExceptionHandler previous;
    private PrivateRedis redis;
    private Application a;
    private Application b;

    @BeforeEach
    void watchThreads() {
        previous = Thread.getDefaultUncaughtExceptionHandler();
        Thread.setDefaultUncaughtExceptionHandler((t, e) -> uncaught.add(e));
    }

    @AfterEach
    void tearDown() {
        closeAll(a, b);
        if (redis != null) redis.close();
        Thread.setDefaultUncaughtExceptionHandler(previous);
    }

    private static SyncOptions options(String uri, String key, String instance) {
        return SyncOptions.uri(uri).key(key).instanceId(instance)
                .option("retryDelayMax", Duration.ofMillis(500)).option("resubscribeWait", Duration.ofSeconds(3)).option("connectTimeout", Duration.ofSeconds(2));
    }

    /** Counts how often each event number arrived. */
    private static Map<Integer, AtomicInteger> countArrivals(Application app) {
        Map<Integer, AtomicInteger> seen = new ConcurrentHashMap<>();
        app.service("messages").on("created", (d, ctx) ->
                seen.computeIfAbsent(((Number) ((Map<?, ?>) d).get("n")).intValue(), k -> new AtomicInteger()).incrementAndGet());
        return seen;
    }

    /** Waits until nothing more arrives at these apps for a second. */
    @SafeVarargs
    private static void awaitQuiet(Map<Integer, AtomicInteger>... seen) {
        AtomicLong last = new AtomicLong(-1);
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(15)).until(() -> {
            long now = 0;
            for (Map<Integer, AtomicInteger> m : seen) for (AtomicInteger c : m.values()) now += c.get();
            return last.getAndSet(now) == now;
        });
    }

    @Test
    void aRedisRestartWhileCreatingAt500PerSecond() throws Exception {
        redis = new PrivateRedis(freePort()).start();
        String key = uniqueKey("outage");
        a = app(options(redis.uri(), key, "publisher"));
        b = app(options(redis.uri(), key, "receiver"));
        a.sync().ready().orTimeout(15, TimeUnit.SECONDS).join();
        b.sync().ready().orTimeout(15, TimeUnit.SECONDS).join();
        Map<Integer, AtomicInteger> atA = countArrivals(a);
        Map<Integer, AtomicInteger> atB = countArrivals(b);

        AtomicInteger next = new AtomicInteger();
        AtomicLong createFailures = new AtomicLong();
        AtomicInteger firstAfterRecovery = new AtomicInteger(-1);
        List<CompletableFuture<Object>> calls = new CopyOnWriteArrayList<>();
        ScheduledExecutorService producer = Executors.newSingleThreadScheduledExecutor();
        long started = System.nanoTime();
        producer.scheduleAtFixedRate(() -> {
            int n = next.getAndIncrement();
            try {
                CompletableFuture<Object> f = a.service("messages").create(Map.of("n", n, "text", "event " + n));
                f.whenComplete((v, e) -> { if (e != null) createFailures.incrementAndGet(); });
                if (n % 50 == 0) calls.add(f);
            } catch (RuntimeException e) {
                createFailures.incrementAndGet();
            }
        }, 0, 2, TimeUnit.MILLISECONDS);

        sleep(2000);
        int beforeKill = next.get();
        redis.kill();
        long killedAt = System.nanoTime();
        await().atMost(Duration.ofSeconds(10)).until(() -> a.sync().state() != SyncState.CONNECTED
                && b.sync().state() != SyncState.CONNECTED);
        SyncState stateWhileDown = a.sync().state();
        sleep(2000);
        int beforeRestart = next.get();
        redis.start();
        await().atMost(Duration.ofSeconds(20)).until(() -> a.sync().state() == SyncState.CONNECTED
                && b.sync().state() == SyncState.CONNECTED);
        long recoveredAfterMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt);
        firstAfterRecovery.set(next.get());
        sleep(3000);
        producer.shutdown();
        assertThat(producer.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        int created = next.get();
        long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).orTimeout(10, TimeUnit.SECONDS).join();

        // everything created after both apps reported CONNECTED again must arrive, exactly once
        int from = firstAfterRecovery.get();
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            for (int n = from; n < created; n++) {
                assertThat(atB).as("event %d (after recovery) at the receiver", n).containsKey(n);
                assertThat(atA).as("event %d (after recovery) at the publisher", n).containsKey(n);
            }
        });
        awaitQuiet(atA, atB); // let stragglers (late re-sends) arrive before counting
        long lostA = created - atA.size();
        long lostB = created - atB.size();
        long dupA = atA.values().stream().filter(c -> c.get() > 1).count();
        long dupB = atB.values().stream().filter(c -> c.get() > 1).count();
        System.out.printf("%n[redis outage] created %d events in %d ms (~%d/s); killed after #%d, restarted after #%d, "
                        + "both CONNECTED again %d ms after the kill (state while down: %s)%n"
                        + "[redis outage] publisher received %d (lost %d, duplicated %d); receiver received %d (lost %d, duplicated %d); "
                        + "create() failures %d; uncaught exceptions %d%n"
                        + "[redis outage] publisher counters %s%n[redis outage] receiver counters %s%n",
                created, elapsedMs, created * 1000L / Math.max(1, elapsedMs), beforeKill, beforeRestart, recoveredAfterMs,
                stateWhileDown, atA.size(), lostA, dupA, atB.size(), lostB, dupB, createFailures.get(), uncaught.size(),
                a.sync().counters(), b.sync().counters());

        assertThat(uncaught).as("uncaught exceptions").isEmpty();
        assertThat(createFailures.get()).as("create() calls that failed").isZero();
        assertThat(dupA).as("events delivered twice to the publisher's listeners").isZero();
        assertThat(dupB).as("events delivered twice to the receiver's listeners").isZero();
        assertThat(a.sync().counters().get("reconnects")).isGreaterThanOrEqualTo(1L);
        assertThat(b.sync().counters().get("reconnects")).isGreaterThanOrEqualTo(1L);
        assertThat(a.sync().counters().get("bufferDropped")).isZero();
        assertThat(stateWhileDown).isEqualTo(SyncState.DISCONNECTED);
        // the publisher resends its buffer only once it is subscribed again, so it gets its own outage events back
        // (only messages Redis took but had not yet pushed to subscribers when it was killed can be missing)
        assertThat(lostA).as("events the publisher never got back").isLessThan(50);
    }

    @Test
    void anAppStartedWhileRedisIsDownSyncsOnceItIsUp() {
        int port = freePort();
        String uri = "redis://127.0.0.1:" + port;
        String key = uniqueKey("late");
        a = app(options(uri, key, "a"));
        b = app(options(uri, key, "b"));
        List<Received> ra = record(a);
        List<Received> rb = record(b);
        await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(5)).until(() -> !a.sync().ready().isDone());
        assertThat(a.sync().ready()).isNotDone();
        assertThat(a.sync().state()).isEqualTo(SyncState.CONNECTING);
        assertThat(a.sync().lastError()).isNotNull();
        assertThat(a.sync().counters().get("connectAttempts")).isGreaterThan(1L);
        for (int i = 0; i < 5; i++) a.service("messages").create(Map.of("text", "early " + i)).join();
        assertThat(a.sync().counters()).containsEntry("buffered", 5L);
        assertThat(ra).isEmpty(); // the sender emits only what comes back through Redis

        redis = new PrivateRedis(port).start();
        a.sync().ready().orTimeout(20, TimeUnit.SECONDS).join();
        b.sync().ready().orTimeout(20, TimeUnit.SECONDS).join();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(field(ra, "text")).containsExactly("early 0", "early 1", "early 2", "early 3", "early 4"));
        a.service("messages").create(Map.of("text", "after start")).join();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(field(rb, "text")).contains("after start"));
        assertThat(a.sync().state()).isEqualTo(SyncState.CONNECTED);
        assertThat(uncaught).isEmpty();
    }

    @Test
    void whileDownTheBufferKeepsTheNewestBufferSizeEvents() {
        int port = freePort();
        a = app(options("redis://127.0.0.1:" + port, uniqueKey("overflow"), "a").bufferSize(10));
        List<Received> ra = record(a);
        for (int i = 0; i < 15; i++) a.service("messages").create(Map.of("n", i)).join(); // never blocks, never fails
        assertThat(a.sync().counters()).containsEntry("buffered", 10L).containsEntry("bufferDropped", 5L);
        redis = new PrivateRedis(port).start();
        a.sync().ready().orTimeout(20, TimeUnit.SECONDS).join();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(field(ra, "n")).containsExactly(5, 6, 7, 8, 9, 10, 11, 12, 13, 14));
        assertThat(a.sync().counters()).containsEntry("buffered", 0L);
    }

    @Test
    void aWrongPasswordFailsReadyClearly() {
        redis = new PrivateRedis(freePort(), "--requirepass", "the-right-one").start();
        String key = uniqueKey("auth");
        a = app(options("redis://:not-the-password@127.0.0.1:" + redis.port, key, "a"));
        b = app(options(redis.uri(), key, "b")); // no password at all
        Throwable error = a.sync().ready().handle((v, e) -> e).orTimeout(15, TimeUnit.SECONDS).join();
        assertThat(error).isNotNull();
        Throwable cause = error instanceof java.util.concurrent.CompletionException ? error.getCause() : error;
        assertThat(cause).isInstanceOf(SyncException.class);
        assertThat(((SyncException) cause).reason()).isEqualTo(SyncException.Reason.AUTHENTICATION);
        assertThat(cause.getMessage()).contains("WRONGPASS").doesNotContain("not-the-password");
        assertThat(a.sync().state()).isEqualTo(SyncState.FAILED);
        assertThat(a.sync().lastError()).isSameAs(cause);

        Throwable noAuth = b.sync().ready().handle((v, e) -> e).orTimeout(15, TimeUnit.SECONDS).join();
        assertThat(noAuth).isNotNull();
        assertThat(b.sync().state()).isEqualTo(SyncState.FAILED);
        assertThat(String.valueOf(b.sync().lastError().getMessage())).contains("NOAUTH");

        // a failed sync keeps the app working: events are delivered on this instance
        List<Received> ra = record(a);
        a.service("messages").create(Map.of("text", "still works")).join();
        assertThat(field(ra, "text")).containsExactly("still works");

        Application ok = app(options("redis://:the-right-one@127.0.0.1:" + redis.port, key, "ok"));
        try {
            ok.sync().ready().orTimeout(15, TimeUnit.SECONDS).join();
            assertThat(ok.sync().state()).isEqualTo(SyncState.CONNECTED);
        } finally {
            closeAll(ok);
        }
    }
}
