package org.feathers4j.sync.nats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.feathers4j.Application;
import org.feathers4j.SyncState;
import org.feathers4j.sync.Sync;
import org.feathers4j.sync.SyncOptions;
import org.feathers4j.sync.SyncTestApps;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Outages, start-while-down and refused credentials, each against a nats-server of its own on
 * 127.0.0.1 and a free port (the shared server is never touched). The outage is a crash: the
 * server is killed and started again on the same port.
 */
@Tag("broker")
class NatsOutageTest {

    private static final int RATE = 500; // events per second
    private final List<Application> apps = new ArrayList<>();
    private PrivateNatsServer server;

    @AfterEach
    void stop() {
        for (Application app : apps) {
            if (app.hasSync()) app.sync().close().orTimeout(10, TimeUnit.SECONDS).exceptionally(e -> null).join();
        }
        if (server != null) server.close();
    }

    private Application app(SyncOptions options) {
        Application app = SyncTestApps.app();
        app.configure(Sync.of(options));
        apps.add(app);
        return app;
    }

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void aFourSecondOutageAt500PerSecond() {
        runOutage(Duration.ofSeconds(4));
    }

    @Test
    @Timeout(value = 150, unit = TimeUnit.SECONDS)
    void aThirtySecondOutageAt500PerSecond() {
        runOutage(Duration.ofSeconds(30));
    }

    /**
     * a publishes {n: 0, 1, 2...} at 500/s for 2 s, through the outage, and for 5 s after the
     * server is back; b and c receive. Reports crashes, lost, duplicated and out-of-order events.
     */
    private void runOutage(Duration outage) {
        server = PrivateNatsServer.started();
        String key = SyncTestApps.uniqueKey("nats");
        Application a = app(SyncOptions.uri(server.uri()).key(key));
        Application b = app(SyncOptions.uri(server.uri()).key(key));
        Application c = app(SyncOptions.uri(server.uri()).key(key));
        for (Application app : apps) app.sync().ready().orTimeout(10, TimeUnit.SECONDS).join();
        List<Integer> onB = numbers(b);
        List<Integer> onC = numbers(c);

        AtomicLong crashes = new AtomicLong();
        Thread.UncaughtExceptionHandler before = Thread.getDefaultUncaughtExceptionHandler();
        Thread.setDefaultUncaughtExceptionHandler((t, e) -> {
            crashes.incrementAndGet();
            System.err.println("[nats outage] uncaught exception on " + t.getName() + ": " + e);
        });
        int total;
        int firstAfterRestart;
        try {
            long t0 = System.nanoTime();
            long periodNanos = TimeUnit.SECONDS.toNanos(1) / RATE;
            long stopAt = TimeUnit.SECONDS.toNanos(2);
            long startAt = stopAt + outage.toNanos();
            long endAt = startAt + TimeUnit.SECONDS.toNanos(5);
            boolean stopped = false;
            boolean restarted = false;
            int restartIndex = -1;
            int n = 0;
            while (true) {
                long now = System.nanoTime() - t0;
                if (!stopped && now >= stopAt) {
                    server.stop();
                    stopped = true;
                    System.out.printf("[nats outage %ds] server killed after %d events%n", outage.toSeconds(), n);
                }
                if (!restarted && now >= startAt) {
                    server.start();
                    restarted = true;
                    restartIndex = n;
                    System.out.printf("[nats outage %ds] server back after %d events%n", outage.toSeconds(), n);
                }
                if (now >= endAt) break;
                long due = n * periodNanos;
                if (now < due) {
                    LockSupport.parkNanos(Math.min(due - now, TimeUnit.MILLISECONDS.toNanos(1)));
                    continue;
                }
                try {
                    a.service("messages").create(Map.of("n", n)).whenComplete((v, e) -> {
                        if (e != null) {
                            crashes.incrementAndGet();
                            System.err.println("[nats outage] create failed: " + e);
                        }
                    });
                } catch (RuntimeException e) {
                    crashes.incrementAndGet();
                    System.err.println("[nats outage] create threw: " + e);
                }
                n++;
            }
            total = n;
            firstAfterRestart = restartIndex;
            int last = total - 1;
            try {
                await().atMost(Duration.ofSeconds(20)).until(() -> onB.contains(last) && onC.contains(last));
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                System.out.println("[nats outage] the last event did not arrive everywhere within 20 s");
            }
        } finally {
            Thread.setDefaultUncaughtExceptionHandler(before);
        }

        Map<String, Long> ca = a.sync().counters();
        System.out.printf("[nats outage %ds] published %d at %d/s; a: state %s, bufferDropped %d, publishErrors %d, "
                        + "reconnects %d, sendFailed %d; crashes %d%n", outage.toSeconds(), total, RATE, a.sync().state(),
                ca.get("bufferDropped"), ca.get("publishErrors"), ca.get("reconnects"), ca.get("sendFailed"), crashes.get());
        long allowed = ca.get("bufferDropped") + ca.get("publishErrors");
        for (Map.Entry<String, List<Integer>> r : Map.of("b", onB, "c", onC).entrySet()) {
            Report rep = Report.of(List.copyOf(r.getValue()), total);
            System.out.printf("[nats outage %ds] receiver %s: received %d, lost %d, duplicated %d, out of order %d "
                            + "(sync counters: duplicates %d, gaps %d, late %d)%n", outage.toSeconds(), r.getKey(),
                    rep.received, rep.lost, rep.duplicated, rep.outOfOrder,
                    (r.getKey().equals("b") ? b : c).sync().counters().get("duplicates"),
                    (r.getKey().equals("b") ? b : c).sync().counters().get("gaps"),
                    (r.getKey().equals("b") ? b : c).sync().counters().get("late"));
            assertThat(rep.duplicated).as("duplicated events on " + r.getKey()).isZero();
            assertThat(rep.outOfOrder).as("out-of-order events on " + r.getKey()).isZero();
            // every loss is accounted for: dropped from the full buffer, or failed publishes,
            // plus at most the few messages in flight inside the killed server
            assertThat((long) rep.lost).as("lost events on " + r.getKey()).isLessThanOrEqualTo(allowed + 50);
            assertThat((long) rep.lost).as("events dropped from the buffer are really missing on " + r.getKey())
                    .isGreaterThanOrEqualTo(ca.get("bufferDropped"));
            // recovery: everything published once the server was back arrived
            List<Integer> after = new ArrayList<>();
            for (int i = firstAfterRestart; i < total; i++) after.add(i);
            assertThat(new HashSet<>(r.getValue())).as("events published after the restart reached " + r.getKey())
                    .containsAll(after);
        }
        assertThat(crashes.get()).as("crashes").isZero();
        for (Application app : apps) assertThat(app.sync().state()).isEqualTo(SyncState.CONNECTED);
        if (outage.toSeconds() * RATE > SyncOptions.uri("x://y").bufferSize()) {
            assertThat(ca.get("bufferDropped")).as("the buffer is bounded and counts what it drops").isPositive();
        }
    }

    private record Report(int received, int lost, int duplicated, int outOfOrder) {
        static Report of(List<Integer> got, int total) {
            Set<Integer> distinct = new HashSet<>(got);
            int ooo = 0;
            for (int i = 1; i < got.size(); i++) if (got.get(i) < got.get(i - 1)) ooo++;
            return new Report(got.size(), total - distinct.size(), got.size() - distinct.size(), ooo);
        }
    }

    private static List<Integer> numbers(Application app) {
        List<Integer> out = new CopyOnWriteArrayList<>();
        app.service("messages").on("created", (data, ctx) -> out.add(((Number) ((Map<?, ?>) data).get("n")).intValue()));
        return out;
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void startWhileDownStaysPendingBuffersAndCatchesUpWhenTheServerComesUp() {
        int port = SyncTestApps.freePort();
        String uri = "nats://127.0.0.1:" + port;
        String key = SyncTestApps.uniqueKey("nats");
        Application a = app(SyncOptions.uri(uri).key(key));
        Application b = app(SyncOptions.uri(uri).key(key));
        List<Integer> onB = numbers(b);

        await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(3))
                .until(() -> !a.sync().ready().isDone() && a.sync().state() == SyncState.CONNECTING);
        assertThat(a.sync().lastError()).as("the reason is visible").isNotNull();
        assertThat(a.sync().lastError().getMessage()).contains("unreachable").contains("127.0.0.1:" + port);
        for (int i = 0; i < 100; i++) a.service("messages").create(Map.of("n", i)).join();
        assertThat(a.sync().counters()).containsEntry("buffered", 100L);

        server = new PrivateNatsServer(port);
        server.start();
        a.sync().ready().orTimeout(20, TimeUnit.SECONDS).join();
        b.sync().ready().orTimeout(20, TimeUnit.SECONDS).join();
        await().atMost(Duration.ofSeconds(15)).until(() -> onB.size() >= 100);
        List<Integer> expected = new ArrayList<>();
        for (int i = 0; i < 100; i++) expected.add(i);
        assertThat(onB).isEqualTo(expected);
        assertThat(a.sync().counters()).containsEntry("buffered", 0L).containsEntry("bufferDropped", 0L);
        assertThat(a.sync().counters().get("connectAttempts")).isGreaterThan(1L);
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void aFiniteMaxReconnectsGivesUpAndSaysSo() {
        int port = SyncTestApps.freePort();
        Application a = app(SyncOptions.uri("nats://127.0.0.1:" + port).key(SyncTestApps.uniqueKey("nats"))
                .option("maxReconnects", 2).option("reconnectWait", 200));
        assertThatThrownBy(() -> a.sync().ready().get(15, TimeUnit.SECONDS))
                .hasMessageContaining("gave up connecting").hasMessageContaining("after 3 attempts");
        assertThat(a.sync().state()).isEqualTo(SyncState.FAILED);
        // the application keeps working locally
        List<Integer> local = numbers(a);
        a.service("messages").create(Map.of("n", 1)).join();
        assertThat(local).containsExactly(1);
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void badCredentialsFailReadyClearlyAndGoodOnesWork() {
        server = PrivateNatsServer.started("--user", "feathers", "--pass", "right-secret");
        String key = SyncTestApps.uniqueKey("nats");
        Application wrong = app(SyncOptions.uri("nats://feathers:wrong-secret@127.0.0.1:" + server.port()).key(key));
        assertThatThrownBy(() -> wrong.sync().ready().get(15, TimeUnit.SECONDS))
                .hasMessageContaining("refused the credentials")
                .hasMessageContaining("Authorization Violation")
                .hasMessageNotContaining("wrong-secret");
        assertThat(wrong.sync().state()).isEqualTo(SyncState.FAILED);
        assertThat(wrong.sync().lastError().getMessage()).doesNotContain("wrong-secret");

        Application viaUri = app(SyncOptions.uri("nats://feathers:right-secret@127.0.0.1:" + server.port()).key(key));
        Application viaOptions = app(SyncOptions.uri(server.uri()).key(key)
                .option("user", "feathers").option("password", "right-secret"));
        viaUri.sync().ready().orTimeout(15, TimeUnit.SECONDS).join();
        viaOptions.sync().ready().orTimeout(15, TimeUnit.SECONDS).join();
        List<Integer> got = numbers(viaOptions);
        viaUri.service("messages").create(Map.of("n", 42)).join();
        await().atMost(Duration.ofSeconds(10)).until(() -> got.size() == 1);
        assertThat(got).containsExactly(42);
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aTokenInTheUriAuthenticatesAndIsNeverShown() {
        server = PrivateNatsServer.started("--auth", "tok-right-secret");
        String key = SyncTestApps.uniqueKey("nats");
        Application wrong = app(SyncOptions.uri("nats://tok-wrong-secret@127.0.0.1:" + server.port()).key(key));
        assertThatThrownBy(() -> wrong.sync().ready().get(15, TimeUnit.SECONDS))
                .hasMessageContaining("refused the credentials").hasMessageNotContaining("tok-wrong-secret");
        Application right = app(SyncOptions.uri("nats://tok-right-secret@127.0.0.1:" + server.port()).key(key));
        right.sync().ready().orTimeout(15, TimeUnit.SECONDS).join();
        List<Integer> got = numbers(right);
        right.service("messages").create(Map.of("n", 7)).join();
        await().atMost(Duration.ofSeconds(10)).until(() -> got.size() == 1);

        server.stop(); // the loss is reported without the token
        await().atMost(Duration.ofSeconds(10)).until(() -> right.sync().state() == SyncState.DISCONNECTED);
        assertThat(right.sync().lastError().getMessage()).doesNotContain("tok-right-secret").contains("***@127.0.0.1");
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aGivenConnectionIsFollowedThroughAnOutage() throws Exception {
        server = PrivateNatsServer.started();
        String key = SyncTestApps.uniqueKey("nats");
        io.nats.client.Connection own = io.nats.client.Nats.connect(new io.nats.client.Options.Builder()
                .server(server.uri()).maxReconnects(-1).reconnectWait(Duration.ofMillis(250))
                .errorListener(new io.nats.client.ErrorListener() { }).build());
        try {
            Application a = SyncTestApps.app();
            a.configure(NatsSync.with(own, new SyncOptions().key(key).option("resumeDelay", 500)));
            apps.add(a);
            Application b = app(SyncOptions.uri(server.uri()).key(key).option("reconnectWait", 250));
            a.sync().ready().orTimeout(10, TimeUnit.SECONDS).join();
            b.sync().ready().orTimeout(10, TimeUnit.SECONDS).join();
            List<Integer> onB = numbers(b);
            a.service("messages").create(Map.of("n", 0)).join();
            await().atMost(Duration.ofSeconds(10)).until(() -> onB.size() == 1);

            server.stop();
            await().atMost(Duration.ofSeconds(10)).until(() -> a.sync().state() == SyncState.DISCONNECTED);
            for (int i = 1; i <= 50; i++) a.service("messages").create(Map.of("n", i)).join();
            assertThat(a.sync().counters().get("buffered")).isEqualTo(50L);
            server.start();
            await().atMost(Duration.ofSeconds(20)).until(() -> onB.size() == 51);
            List<Integer> expected = new ArrayList<>();
            for (int i = 0; i <= 50; i++) expected.add(i);
            assertThat(onB).isEqualTo(expected);
            assertThat(a.sync().state()).isEqualTo(SyncState.CONNECTED);
        } finally {
            for (Application app : apps) {
                if (app.hasSync()) app.sync().close().orTimeout(10, TimeUnit.SECONDS).exceptionally(e -> null).join();
            }
            assertThat(own.getStatus()).isEqualTo(io.nats.client.Connection.Status.CONNECTED);
            own.close();
        }
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void readyFailureIsACompletionNotAThrowFromConfigure() {
        // configure never blocks or throws for a broker problem; the failure comes through ready()
        server = PrivateNatsServer.started("--user", "u", "--pass", "p");
        Application a = app(SyncOptions.uri(server.uri()).key(SyncTestApps.uniqueKey("nats")));
        assertThatThrownBy(() -> a.sync().ready().join()).isInstanceOf(CompletionException.class)
                .hasMessageContaining("Authorization Violation");
    }
}
