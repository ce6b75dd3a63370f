package org.feathers4j.sync.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.feathers4j.Application;
import org.feathers4j.sync.DeliveryCheck;
import org.feathers4j.sync.Sync;
import org.feathers4j.sync.SyncOptions;
import org.feathers4j.sync.SyncTestApps;

/** The apps of a Kafka outage test and the checks every such test ends with: 0 lost, 0 twice, in order, no gap. */
final class OutageChecks implements AutoCloseable {

    private final String label;
    private final List<Application> apps = new ArrayList<>();
    private final Map<Application, DeliveryCheck.Recorder> recorders = new ConcurrentHashMap<>();

    OutageChecks(String label) {
        this.label = label;
    }

    /** A ready app on this URI and key, recording what it receives. */
    Application app(String uri, String key, int bufferSize) {
        return app(SyncOptions.uri(uri).key(key).bufferSize(bufferSize));
    }

    Application app(SyncOptions options) {
        Application app = SyncTestApps.app();
        recorders.put(app, DeliveryCheck.record(app));
        app.configure(Sync.of(options));
        apps.add(app);
        app.sync().ready().orTimeout(60, TimeUnit.SECONDS).join();
        return app;
    }

    DeliveryCheck.Recorder recorder(Application app) {
        return recorders.get(app);
    }

    List<Application> apps() {
        return apps;
    }

    static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Milliseconds until the condition holds (polled every 10 ms), or -1 after {@code atMost}. */
    static long millisUntil(BooleanSupplier condition, Duration atMost) {
        long t0 = System.nanoTime();
        while (System.nanoTime() - t0 < atMost.toNanos()) {
            if (condition.getAsBoolean()) return (System.nanoTime() - t0) / 1_000_000;
            sleep(Duration.ofMillis(10));
        }
        return -1;
    }

    /** Where a number arrived after a higher one: up to 5 places, each with what came before and after. */
    private static String broken(List<Long> got) {
        List<String> out = new ArrayList<>();
        long max = 0;
        for (int i = 0; i < got.size() && out.size() < 5; i++) {
            if (got.get(i) < max) out.add("#" + i + " " + got.subList(Math.max(0, i - 3), Math.min(got.size(), i + 3)));
            max = Math.max(max, got.get(i));
        }
        return String.join("; ", out);
    }

    /**
     * Everything 1..last sent by {@code sender} (named "a") arrived on each receiver once, in order,
     * without a gap; the sender dropped and failed nothing.
     */
    void check(String what, long last, Application sender, List<Application> receivers) {
        for (Application r : receivers) recorders.get(r).awaitLast("a", last, Duration.ofSeconds(90));
        Map<String, Long> ca = sender.sync().counters();
        System.out.printf("[%s %s] a: sent %d, published %d, publishErrors %d, publishFailed %d, bufferDropped %d, reconnects %d%n",
                label, what, last, ca.get("published"), ca.get("publishErrors"), ca.get("publishFailed"), ca.get("bufferDropped"),
                ca.get("reconnects"));
        int i = 0;
        for (Application r : receivers) {
            DeliveryCheck.Recorder rec = recorders.get(r);
            String name = "r" + (++i);
            Map<String, Long> c = r.sync().counters();
            System.out.printf("[%s %s] %s: %s; sync duplicates %d, reader errors %d, reconnects %d%n", label, what, name,
                    rec.describe("a", last), c.get("duplicates"), c.get("readerErrors"), c.get("reconnects"));
            if (rec.outOfOrder("a") > 0) System.out.printf("[%s %s] %s: order broken at %s%n", label, what, name, broken(rec.received("a")));
            assertThat(rec.lost("a", last)).as(name + " lost: " + rec.describe("a", last)).isZero();
            assertThat(rec.duplicates("a")).as(name + " duplicates").isZero();
            assertThat(rec.outOfOrder("a")).as(name + " out of order").isZero();
            assertThat(rec.gaps()).as(name + " gaps").isEmpty();
            assertThat(c.get("duplicates")).as(name + ": the topic held nothing twice").isZero();
        }
        assertThat(ca.get("bufferDropped")).as("a dropped from its buffer").isZero();
        assertThat(ca.get("publishErrors")).as("a's failed publishes").isZero();
    }

    @Override
    public void close() {
        for (Application app : apps) {
            if (app.hasSync()) app.sync().close().orTimeout(20, TimeUnit.SECONDS).exceptionally(e -> null).join();
        }
    }
}
