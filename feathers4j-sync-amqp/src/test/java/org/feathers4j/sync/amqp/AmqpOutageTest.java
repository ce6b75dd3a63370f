package org.feathers4j.sync.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.feathers4j.sync.amqp.AmqpTestSupport.app;
import static org.feathers4j.sync.amqp.AmqpTestSupport.options;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.feathers4j.Application;
import org.feathers4j.SyncState;
import org.feathers4j.sync.SyncTestApps.Received;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Broker outages while one instance creates ~500 events/s and three instances (the sender
 * included) receive them: reports crashes, lost and duplicated events. Runs against a private
 * RabbitMQ node of its own ({@link PrivateRabbit}), controlled with rabbitmqctl; the shared broker
 * is never touched.
 */
@Tag("broker")
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class AmqpOutageTest {

    private static final int RATE = 500;

    private static PrivateRabbit rabbit;
    private final List<Application> apps = new ArrayList<>();
    private String key;

    @BeforeAll
    static void broker() throws Exception {
        rabbit = PrivateRabbit.started();
    }

    @org.junit.jupiter.api.AfterAll
    static void stopBroker() {
        if (rabbit != null) rabbit.close();
    }

    /** Starts the node's app again and waits until it accepts connections. */
    private static void restoreBroker() {
        rabbit.ctl("start_app");
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(60)).until(rabbit::accepts);
    }

    @BeforeEach
    void newKey() {
        key = AmqpTestSupport.uniqueKey();
    }

    @AfterEach
    void cleanUp() {
        AmqpTestSupport.closeAll(apps);
    }

    /** What one run measured. */
    record Report(String name, long sent, long createFailures, long uncaught, List<String> lines, long lost, long duplicated) {
    }

    private Report run(String name, double seconds, double outageAt, Runnable outage) throws Exception {
        return run(name, seconds, outageAt, true, outage);
    }

    private Report run(String name, double seconds, double outageAt, boolean persistent, Runnable outage) throws Exception {
        AtomicLong uncaught = new AtomicLong();
        Thread.UncaughtExceptionHandler before = Thread.getDefaultUncaughtExceptionHandler();
        Thread.setDefaultUncaughtExceptionHandler((t, e) -> {
            uncaught.incrementAndGet();
            e.printStackTrace();
        });
        try {
            Application a = app(options(rabbit.uri(), key).option("persistent", persistent));
            Application b = app(options(rabbit.uri(), key).option("persistent", persistent));
            Application c = app(options(rabbit.uri(), key).option("persistent", persistent));
            apps.addAll(List.of(a, b, c));
            for (Application x : apps) x.sync().ready().get(20, TimeUnit.SECONDS);
            List<Received> ra = AmqpTestSupport.created(a);
            List<Received> rb = AmqpTestSupport.created(b);
            List<Received> rc = AmqpTestSupport.created(c);

            AtomicLong createFailures = new AtomicLong();
            AtomicLong outageEnded = new AtomicLong();
            Thread outageThread = new Thread(() -> {
                LockSupport.parkNanos((long) (outageAt * 1e9));
                try {
                    outage.run();
                } finally {
                    outageEnded.set(System.nanoTime());
                }
            }, "test-outage");
            long start = System.nanoTime();
            outageThread.start();
            // publish for at least `seconds`, and for 3 s more after the outage ended
            long total = 0;
            while (true) {
                long now = System.nanoTime();
                long ended = outageEnded.get();
                if (now - start >= seconds * 1e9 && ended != 0 && now - ended >= 3e9) break;
                if (now - start > 150e9) break;
                long i = ++total;
                long due = start + (long) (i * 1e9 / RATE);
                long wait = due - System.nanoTime();
                if (wait > 0) LockSupport.parkNanos(wait);
                a.service("messages").create(Map.of("n", i)).whenComplete((v, e) -> {
                    if (e != null) createFailures.incrementAndGet();
                });
            }
            double secondsRun = (System.nanoTime() - start) / 1e9;
            System.out.printf("outage ended %.2f s after the first event (event n ~ %d)%n", (outageEnded.get() - start) / 1e9,
                    (outageEnded.get() - start) * RATE / 1_000_000_000L);
            outageThread.join(TimeUnit.SECONDS.toMillis(150));
            long lastSent = total;
            for (Application x : apps) {
                org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(60))
                        .until(() -> x.sync().state() == SyncState.CONNECTED);
            }
            // wait for the stragglers: everything that will arrive arrives within this
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (System.nanoTime() < deadline
                    && (AmqpTestSupport.distinct(ra) < lastSent || AmqpTestSupport.distinct(rb) < lastSent || AmqpTestSupport.distinct(rc) < lastSent)) {
                Thread.sleep(100);
            }
            // late duplicates, if any: wait until nothing more arrives for 1 s
            java.util.concurrent.atomic.AtomicLong seen = new java.util.concurrent.atomic.AtomicLong(-1);
            org.awaitility.Awaitility.await().during(java.time.Duration.ofSeconds(1)).atMost(java.time.Duration.ofSeconds(30))
                    .until(() -> {
                        long now = ra.size() + rb.size() + rc.size();
                        return seen.getAndSet(now) == now;
                    });
            List<String> lines = new ArrayList<>();
            long lost = 0;
            long dup = 0;
            String[] names = {"A (sender)", "B", "C"};
            List<List<Received>> rs = List.of(ra, rb, rc);
            for (int k = 0; k < 3; k++) {
                long missing = AmqpTestSupport.missing(rs.get(k), 1, total);
                lost += missing;
                dup += AmqpTestSupport.duplicates(rs.get(k));
                lines.add(String.format("  %-10s received %d distinct of %d, lost %d (%s), duplicated (seen by the app) %d; state %s; sync counters %s",
                        names[k], AmqpTestSupport.distinct(rs.get(k)), total, missing, AmqpTestSupport.missingRanges(rs.get(k), 1, total), AmqpTestSupport.duplicates(rs.get(k)), apps.get(k).sync().state(),
                        apps.get(k).sync().counters()));
            }
            Report r = new Report(name, total, createFailures.get(), uncaught.get(), lines, lost, dup);
            System.out.printf("%nOUTAGE REPORT [%s] at %d/s for %.1f s: sent %d, create() failures %d, uncaught exceptions %d,"
                            + " lost %d, duplicated %d%n%s%n%n",
                    name, RATE, secondsRun, total, r.createFailures(), r.uncaught(), lost, dup, String.join("\n", lines));
            return r;
        } finally {
            Thread.setDefaultUncaughtExceptionHandler(before);
        }
    }

    @Test
    void forcedConnectionCloseLosesNothing() throws Exception {
        Report r = run("rabbitmqctl close_all_connections, twice", 10, 2, () -> {
            rabbit.ctl("close_all_connections", "feathers4j outage test");
            LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(3));
            rabbit.ctl("close_all_connections", "feathers4j outage test");
        });
        assertThat(r.createFailures()).isZero();
        assertThat(r.uncaught()).isZero();
        assertThat(r.lost()).as("events lost").isZero();
        assertThat(r.duplicated()).as("duplicates reaching the app").isZero();
        for (Application x : apps) {
            assertThat(x.sync().state()).isEqualTo(SyncState.CONNECTED);
            assertThat(x.sync().counters().get("reconnects")).isGreaterThanOrEqualTo(1L);
        }
    }

    @Test
    void brokerStopAndStartLosesNothing() throws Exception {
        Report r = run("rabbitmqctl stop_app, 6 s, start_app", 14, 2, () -> {
            try {
                rabbit.ctl("stop_app");
                LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(6));
            } finally {
                restoreBroker();
            }
        });
        assertThat(r.createFailures()).isZero();
        assertThat(r.uncaught()).isZero();
        assertThat(r.lost()).as("events lost").isZero();
        assertThat(r.duplicated()).as("duplicates reaching the app").isZero();
        for (Application x : apps) assertThat(x.sync().state()).isEqualTo(SyncState.CONNECTED);
    }

    /**
     * Transient mode (a non-durable queue, as feathers-sync): a broker restart drops what was
     * queued for, or in flight to, each instance. Reported; asserted: no crash, recovery, and a
     * loss bounded by that backlog (Node feathers-sync loses the whole outage and more).
     */
    @Test
    void brokerStopAndStartInTransientModeLosesOnlyTheBacklog() throws Exception {
        Report r = run("transient mode (persistent=false): rabbitmqctl stop_app, 6 s, start_app", 14, 2, false, () -> {
            try {
                rabbit.ctl("stop_app");
                LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(6));
            } finally {
                restoreBroker();
            }
        });
        assertThat(r.createFailures()).isZero();
        assertThat(r.uncaught()).isZero();
        assertThat(r.duplicated()).as("duplicates reaching the app").isZero();
        assertThat(r.lost()).as("events lost by the three instances together, at most the backlog at the stop")
                .isLessThan(3 * 2L * RATE);
        for (Application x : apps) assertThat(x.sync().state()).isEqualTo(SyncState.CONNECTED);
    }

    /** A memory alarm blocks publishing: the app is not blocked, events are buffered and flow again afterwards. */
    @Test
    void memoryAlarmBlocksPublishingWithoutBlockingTheApp() throws Exception {
        Application a = app(options(rabbit.uri(), key));
        Application b = app(options(rabbit.uri(), key));
        apps.addAll(List.of(a, b));
        for (Application x : apps) x.sync().ready().get(20, TimeUnit.SECONDS);
        List<Received> rb = AmqpTestSupport.created(b);
        a.service("messages").create(Map.of("n", 1L)).get(10, TimeUnit.SECONDS);
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> rb.size() == 1);
        long n = 1;
        try {
            rabbit.ctl("set_vm_memory_high_watermark", "0.0000001");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (a.sync().counters().get("blocked") == 0 && System.nanoTime() < deadline) {
                long t0 = System.nanoTime();
                a.service("messages").create(Map.of("n", ++n)).get(10, TimeUnit.SECONDS);
                assertThat((System.nanoTime() - t0) / 1_000_000).as("create() does not wait for the broker").isLessThan(1000);
                Thread.sleep(50);
            }
            assertThat(a.sync().counters().get("blocked")).as("the broker's connection.blocked was seen").isPositive();
            assertThat(a.sync().state()).isEqualTo(SyncState.DISCONNECTED);
            for (int i = 0; i < 50; i++) a.service("messages").create(Map.of("n", ++n)).get(1, TimeUnit.SECONDS);
            assertThat(a.sync().counters().get("buffered")).isGreaterThanOrEqualTo(50L);
        } finally {
            rabbit.ctl("set_vm_memory_high_watermark", "0.4");
        }
        long last = n;
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30))
                .until(() -> AmqpTestSupport.distinct(rb) == last && a.sync().state() == SyncState.CONNECTED);
        assertThat(AmqpTestSupport.missing(rb, 1, last)).isZero();
        System.out.printf("MEMORY ALARM: %d events, b received %d distinct; a's counters %s%n", last, AmqpTestSupport.distinct(rb), a.sync().counters());
    }
}
