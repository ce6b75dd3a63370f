package org.feathers4j.sync.mongodb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.LongStream;
import org.bson.Document;
import org.feathers4j.Application;
import org.feathers4j.SyncState;
import org.feathers4j.sync.DeliveryCheck;
import org.feathers4j.sync.DeliveryCheck.Recorder;
import org.feathers4j.sync.DeliveryCheck.Sender;
import org.feathers4j.sync.Sync;
import org.feathers4j.sync.SyncGap;
import org.feathers4j.sync.SyncOptions;
import org.feathers4j.sync.SyncTestApps;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 16 for the MongoDB adapter, run by one subclass per mechanism and server: one receiver's
 * link cut for 10 s while another instance creates at {@link #rate()}; restart of a receiver with a
 * fixed instanceId and {@code resume=LAST} / {@code resume=NEW}; the stored position no longer in
 * the collection (trimmed by {@code max}, or a capped collection rolled over it) → a
 * {@code RETENTION_EXCEEDED} gap with the exact count. Each test uses a database of its own.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
abstract class MongoDurabilityScenarios {

    private static final AtomicInteger DATABASES = new AtomicInteger();

    protected final List<Application> apps = new ArrayList<>();
    protected final String database = "f4j_dur_" + getClass().getSimpleName().replaceAll("[^A-Za-z]", "").toLowerCase()
            + "_" + ProcessHandle.current().pid() + "_" + DATABASES.incrementAndGet();

    /** The connection string of the server under test, with the database. */
    protected abstract String uri(String database);

    /** A connection string to the same server through a link {@link #cutOne()} cuts alone. */
    protected abstract String cuttableUri(String database);

    /** Cuts the cuttable link (one instance's network fails; the server and the others carry on). */
    protected abstract void cutOne();

    /** Restores the cuttable link. */
    protected abstract void restoreOne() throws Exception;

    protected abstract MongoSyncConfig.Mechanism mechanism();

    /** Creates per second in the link-cut test (the in-process server is far slower than MongoDB). */
    protected abstract int rate();

    @AfterEach
    void closeAll() {
        for (Application a : apps) {
            if (a.hasSync()) a.sync().close().orTimeout(10, TimeUnit.SECONDS).join();
        }
        try (MongoClient c = MongoClients.create(uri(database))) {
            c.getDatabase(database).drop();
        } catch (RuntimeException ignored) {
            // best effort
        }
    }

    protected SyncOptions options(String uri) {
        return SyncOptions.uri(uri).option("mechanism", mechanism().optionValue())
                .option("retryInterval", 50).option("gapTimeout", 5_000);
    }

    protected Application app(SyncOptions o) {
        Application app = SyncTestApps.app();
        app.configure(Sync.of(o));
        apps.add(app);
        return app;
    }

    protected Application ready(SyncOptions o) {
        Application a = app(o);
        a.sync().ready().orTimeout(20, TimeUnit.SECONDS).join();
        return a;
    }

    private void close(Application a) {
        a.sync().close().orTimeout(10, TimeUnit.SECONDS).join();
        apps.remove(a);
    }

    private static long counter(Application a, String name) {
        return a.sync().counters().getOrDefault(name, 0L);
    }

    @Test
    void oneReceiversLinkCutFor10sLosesNothing() throws Exception {
        Application a = ready(options(uri(database)));
        Application b = ready(options(cuttableUri(database)));
        Recorder ra = DeliveryCheck.record(a);
        Recorder rb = DeliveryCheck.record(b);
        Sender sender = DeliveryCheck.send(a, "a", rate());
        long last;
        long recoveryMs;
        try {
            Thread.sleep(2000);
            cutOne();
            try {
                await().atMost(Duration.ofSeconds(10)).until(() -> b.sync().state() != SyncState.CONNECTED);
                Thread.sleep(10_000);
            } finally {
                restoreOne();
            }
            int before = rb.received("a").size();
            long opened = System.nanoTime();
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(10)).until(() -> rb.received("a").size() > before);
            recoveryMs = (System.nanoTime() - opened) / 1_000_000;
            Thread.sleep(3000);
        } finally {
            last = sender.stop();
        }
        rb.awaitLast("a", last, Duration.ofSeconds(60));
        ra.awaitLast("a", last, Duration.ofSeconds(60));
        Thread.sleep(500); // late duplicates, if any, would show now
        System.out.printf("MONGODB %s LINK CUT (b's link cut 10 s, a creates %d/s): a %s; b %s; b received again %d ms after the"
                        + " link was back; b: sync dropped %d duplicate(s), reader dropped %d, readers recreated %d%n",
                mechanism().optionValue(), rate(), ra.describe("a", last), rb.describe("a", last), recoveryMs,
                counter(b, "duplicates"), counter(b, "receiveDuplicates"), counter(b, "readersRecreated"));
        for (Recorder r : List.of(ra, rb)) {
            assertThat(r.lost("a", last)).as(r.describe("a", last)).isZero();
            assertThat(r.duplicates("a")).as(r.describe("a", last)).isZero();
            assertThat(r.outOfOrder("a")).as(r.describe("a", last)).isZero();
            assertThat(r.gaps()).isEmpty();
        }
        assertThat(counter(b, "readersRecreated")).as("b's reader really lost its link").isPositive();
        assertThat(sender.failed()).isZero();
    }

    @Test
    void restartWithResumeLastReceivesWhatWasWrittenWhileAway() throws Exception {
        Application a = ready(options(uri(database)));
        SyncOptions bOptions = options(uri(database)).instanceId("b-last").resume(SyncOptions.Resume.LAST);
        Application b1 = ready(bOptions.copy());
        Recorder r1 = DeliveryCheck.record(b1);
        Sender sender = DeliveryCheck.send(a, "a", 20);
        long last;
        Recorder r2;
        try {
            await().atMost(Duration.ofSeconds(20)).until(() -> r1.received("a").size() >= 20);
            close(b1);
            long sentAtClose = sender.sent();
            await().atMost(Duration.ofSeconds(10)).until(() -> sender.sent() >= sentAtClose + 30);
            Application b2 = app(bOptions.copy());
            r2 = DeliveryCheck.record(b2);
            b2.sync().ready().orTimeout(20, TimeUnit.SECONDS).join();
            Thread.sleep(1000);
        } finally {
            last = sender.stop();
        }
        r2.awaitLast("a", last, Duration.ofSeconds(30));
        List<Long> before = r1.received("a");
        List<Long> after = r2.received("a");
        System.out.printf("MONGODB %s RESTART resume=LAST: first run received 1..%d, second run %d..%d (%d), gaps %s%n",
                mechanism().optionValue(), before.get(before.size() - 1), after.get(0), after.get(after.size() - 1), after.size(),
                r2.gaps());
        List<Long> all = new ArrayList<>(before);
        all.addAll(after);
        assertThat(after.get(0)).as("the second run starts right after the first run's last").isEqualTo(before.get(before.size() - 1) + 1);
        assertThat(all).as("1..last once each, in order, across the restart").isEqualTo(LongStream.rangeClosed(1, last).boxed().toList());
        assertThat(r2.gaps()).isEmpty();
    }

    @Test
    void restartWithResumeNewDeliversNothingOld() throws Exception {
        Application a = ready(options(uri(database)));
        // the first run stores its position (a fixed instanceId): resume=NEW must not use it
        Application b1 = ready(options(uri(database)).instanceId("b-new").resume(SyncOptions.Resume.LAST));
        Recorder r1 = DeliveryCheck.record(b1);
        Sender sender = DeliveryCheck.send(a, "a", 20);
        long last;
        long sentBefore;
        long sentAtReady;
        Recorder r2;
        try {
            await().atMost(Duration.ofSeconds(20)).until(() -> r1.received("a").size() >= 20);
            close(b1);
            long sentAtClose = sender.sent();
            await().atMost(Duration.ofSeconds(10)).until(() -> sender.sent() >= sentAtClose + 30);
            sentBefore = sender.sent();
            Application b2 = app(options(uri(database)).instanceId("b-new").resume(SyncOptions.Resume.NEW));
            r2 = DeliveryCheck.record(b2);
            b2.sync().ready().orTimeout(20, TimeUnit.SECONDS).join();
            sentAtReady = sender.sent();
            Thread.sleep(1500);
        } finally {
            last = sender.stop();
        }
        r2.awaitLast("a", last, Duration.ofSeconds(30));
        List<Long> after = r2.received("a");
        System.out.printf("MONGODB %s RESTART resume=NEW: first run stopped at %d, %d sent before the restart, the new run"
                        + " received %d..%d, gaps %s%n", mechanism().optionValue(), r1.received("a").get(r1.received("a").size() - 1),
                sentBefore, after.get(0), after.get(after.size() - 1), r2.gaps());
        assertThat(after).as("nothing written before the restart").allMatch(n -> n > sentBefore);
        assertThat(after).as("everything written once ready")
                .containsSubsequence(LongStream.rangeClosed(sentAtReady + 1, last).boxed().toList());
        assertThat(r2.duplicates("a")).isZero();
        assertThat(r2.outOfOrder("a")).isZero();
        assertThat(r2.gaps()).isEmpty();
    }

    @Test
    void resumeLastPastWhatTheCollectionKeepsIsARetentionGap() throws Exception {
        assumeThat(mechanism()).as("a change stream's history is the oplog, not bounded by max; its lost-token case is not"
                + " reproducible here").isNotEqualTo(MongoSyncConfig.Mechanism.CHANGE_STREAM);
        Consumer<SyncOptions> bounded = o -> o.option("max", 20);
        SyncOptions aOptions = options(uri(database));
        bounded.accept(aOptions);
        Application a = ready(aOptions);
        SyncOptions bOptions = options(uri(database)).instanceId("b-ret").resume(SyncOptions.Resume.LAST);
        bounded.accept(bOptions);
        Application b1 = ready(bOptions.copy());
        Recorder r1 = DeliveryCheck.record(b1);
        Sender sender = DeliveryCheck.send(a, "a", 50);
        await().atMost(Duration.ofSeconds(20)).until(() -> r1.received("a").size() >= 10);
        close(b1);
        long sentAtClose = sender.sent();
        await().atMost(Duration.ofSeconds(20)).until(() -> sender.sent() >= sentAtClose + 100);
        long sent = sender.stop();
        // every write of A is in (published counts the written ones)
        await().atMost(Duration.ofSeconds(20)).until(() -> counter(a, "published") >= sent);
        Application b2 = app(bOptions.copy());
        Recorder r2 = DeliveryCheck.record(b2);
        b2.sync().ready().orTimeout(20, TimeUnit.SECONDS).join();
        r2.awaitLast("a", sent, Duration.ofSeconds(30));
        List<Long> all = new ArrayList<>(r1.received("a"));
        all.addAll(r2.received("a"));
        long lost = LongStream.rangeClosed(1, sent).filter(n -> !all.contains(n)).count();
        System.out.printf("MONGODB %s RESUME=LAST past retention (max 20): sent %d, first run got 1..%d, second run got %s;"
                        + " lost %d; gaps %s%n", mechanism().optionValue(), sent, r1.received("a").get(r1.received("a").size() - 1),
                r2.received("a"), lost, r2.gaps());
        assertThat(lost).as("the collection kept only the last 20").isPositive();
        assertThat(r2.gaps()).hasSize(1);
        SyncGap g = r2.gaps().get(0);
        assertThat(g.reason()).isEqualTo(SyncGap.Reason.RETENTION_EXCEEDED);
        assertThat(g.missed()).as("one key, one writer: the count is exact").isEqualTo(lost);
        assertThat(all).as("in order, once each").isSorted().doesNotHaveDuplicates();
        assertThat(r2.received("a")).as("what the collection still had").isNotEmpty();
    }

    /** The stored positions: one per key and fixed instanceId, in {@code <collection>.positions}. */
    protected List<Document> positions() {
        try (MongoClient c = MongoClients.create(uri(database))) {
            return c.getDatabase(database).getCollection("events.positions").find().into(new ArrayList<>());
        }
    }
}
