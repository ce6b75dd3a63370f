package org.feathers4j.sync.mongodb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.feathers4j.sync.SyncTestApps.record;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.feathers4j.Application;
import org.feathers4j.SyncState;
import org.feathers4j.sync.SyncTestApps.Received;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The scenarios, plus outages, against the MongoDB-compatible in-process server (mongo-java-server,
 * not MongoDB), one per test class.
 */
@Tag("slow") // tens of seconds per mechanism: left out of -P fast
abstract class InProcessServerScenarios extends MongoSyncScenarios {

    protected static InProcessMongo server;

    @BeforeAll
    static void startServer() throws Exception {
        server = new InProcessMongo();
    }

    @AfterAll
    static void stopServer() {
        if (server != null) server.close();
    }

    @Override
    protected String uri(String database) {
        return server.uri(database);
    }

    @Test
    void anOutageLosesNothingAndDuplicatesNothing() throws Exception {
        Application a = readyApp(), b = readyApp();
        List<Received> ra = record(a), rb = record(b);
        a.service("messages").create(Map.of("n", 0)).join();
        await().atMost(Duration.ofSeconds(15)).until(() -> created(rb).size() == 1);

        server.cut();
        try {
            await().atMost(Duration.ofSeconds(20)).until(() -> a.sync().state() != SyncState.CONNECTED
                    && b.sync().state() != SyncState.CONNECTED);
            for (int i = 1; i <= 5; i++) a.service("messages").create(Map.of("n", i)).join(); // the calls succeed
            Thread.sleep(300);
        } finally {
            server.restore();
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> created(rb).size() == 6 && created(ra).size() == 6);
        assertThat(created(rb)).extracting(d -> (Object) ((Map<?, ?>) d).get("n")).containsExactly(0, 1, 2, 3, 4, 5);
        b.service("messages").create(Map.of("n", 6)).join();
        // anything delivered twice would show up within half a second
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(15))
                .until(() -> created(ra).size() == 7 && created(rb).size() == 7);
        assertThat(a.sync().state()).isEqualTo(SyncState.CONNECTED);
        assertThat(b.sync().counters().get("duplicates")).isZero();
        assertThat(a.sync().counters().get("reconnects")).isPositive();
    }

    @Test
    void aReaderThatWasAwayGetsWhatWasWrittenMeanwhileExactlyOnce() throws Exception {
        Application a = readyApp();
        Application b = app(o -> o.setUri(server.secondUri(database)));
        b.sync().ready().orTimeout(20, TimeUnit.SECONDS).join();
        List<Received> rb = record(b);
        a.service("messages").create(Map.of("n", 0)).join();
        await().atMost(Duration.ofSeconds(15)).until(() -> created(rb).size() == 1);

        server.cutSecond(); // B's network fails; A and the server carry on
        try {
            await().atMost(Duration.ofSeconds(20)).until(() -> b.sync().state() != SyncState.CONNECTED);
            for (int i = 1; i <= 5; i++) a.service("messages").create(Map.of("n", i)).join();
            // written to the server while B cannot read
            await().atMost(Duration.ofSeconds(10)).until(() -> a.sync().counters().get("published") == 6L);
            assertThat(created(rb)).hasSize(1);
        } finally {
            server.restoreSecond();
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> created(rb).size() == 6);
        assertThat(created(rb)).extracting(d -> (Object) ((Map<?, ?>) d).get("n")).containsExactly(0, 1, 2, 3, 4, 5);
        a.service("messages").create(Map.of("n", 6)).join();
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(15)).until(() -> created(rb).size() == 7);
        Map<String, Long> c = b.sync().counters();
        assertThat(c.get("readersRecreated")).as("B's reader was recreated").isPositive();
        assertThat(c.get("resumeTokensLost")).isZero();
        assertThat(c.get("gapsGivenUp")).isZero();
        assertThat(c.get("duplicates")).isZero();
    }

    /**
     * Writers allocate and insert concurrently, so seqs become visible out of order: none may be lost
     * or repeated, and each writer's arrive in the order it sent them. (mongo-java-server's
     * {@code $inc} is not atomic under concurrent writers, so here seqs are also handed out twice now
     * and then, which exercises the writers' collision repair.)
     */
    @Test
    void concurrentWritersLoseNothing() throws Exception {
        Application w1 = readyApp(), w2 = readyApp(), w3 = readyApp(), reader = readyApp();
        List<Received> r = record(reader);
        List<Thread> threads = new ArrayList<>();
        int perWriter = 100;
        for (Application w : List.of(w1, w2, w3)) {
            Thread t = new Thread(() -> {
                List<CompletableFuture<Object>> calls = new ArrayList<>();
                for (int i = 0; i < perWriter; i++) {
                    calls.add(w.service("messages").create(Map.of("w", System.identityHashCode(w), "i", i)));
                }
                calls.forEach(CompletableFuture::join);
            });
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) t.join(30_000);
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(40)).until(() -> created(r).size() == 3 * perWriter);
        Set<String> distinct = new HashSet<>();
        for (Object d : created(r)) distinct.add(((Map<?, ?>) d).get("w") + "/" + ((Map<?, ?>) d).get("i"));
        assertThat(created(r)).hasSize(3 * perWriter);
        assertThat(distinct).hasSize(3 * perWriter);
        Map<Object, List<Object>> byWriter = new HashMap<>();
        for (Object d : created(r)) {
            byWriter.computeIfAbsent(((Map<?, ?>) d).get("w"), k -> new ArrayList<>()).add(((Map<?, ?>) d).get("i"));
        }
        for (List<Object> sent : byWriter.values()) {
            assertThat(sent).as("each writer's events in the order it sent them").isSortedAccordingTo(
                    Comparator.comparingInt(i -> (Integer) i));
        }
        assertThat(reader.sync().counters()).containsEntry("gapsGivenUp", 0L).containsEntry("gaps", 0L);
        for (Application w : List.of(w1, w2, w3)) assertThat(w.sync().counters()).containsEntry("sendFailed", 0L);
    }

    @Test
    void withRecreateOffTheFirstErrorStopsReceiving() throws Exception {
        Application a = app(o -> o.option("recreate", false));
        a.sync().ready().orTimeout(20, TimeUnit.SECONDS).join();
        server.cut();
        try {
            await().atMost(Duration.ofSeconds(20)).until(() -> a.sync().state() == SyncState.FAILED);
            assertThat(a.sync().lastError()).hasMessageContaining("'recreate' is false");
        } finally {
            server.restore();
        }
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5)).until(() -> a.sync().state() == SyncState.FAILED);
    }

    @Test
    void aThrowingListenerDoesNotStopTheReader() {
        Application a = readyApp(), b = readyApp();
        List<Received> rb = record(b);
        b.service("messages").on("created", (d, c) -> {
            if ("boom".equals(((Map<?, ?>) d).get("text"))) throw new IllegalStateException("listener failure (expected by the test)");
        });
        a.service("messages").create(Map.of("text", "boom")).join();
        a.service("messages").create(Map.of("text", "fine")).join();
        await().atMost(Duration.ofSeconds(15)).until(() -> created(rb).stream()
                .anyMatch(d -> "fine".equals(((Map<?, ?>) d).get("text"))));
        assertThat(b.sync().state()).isEqualTo(SyncState.CONNECTED);
    }

    /**
     * {@code max} is a retention bound: the collection keeps the last {@code max} seqs, and a reader
     * that falls further behind loses the trimmed ones, which it counts as given-up gaps.
     */
    @Test
    void maxKeepsThePlainCollectionBoundedAndAReaderAccountsForWhatWasTrimmed() {
        Application a = app(o -> o.option("max", 20).option("gapTimeout", 1_000)),
                b = app(o -> o.option("max", 20).option("gapTimeout", 1_000));
        a.sync().ready().orTimeout(20, TimeUnit.SECONDS).join();
        b.sync().ready().orTimeout(20, TimeUnit.SECONDS).join();
        List<Received> rb = record(b);
        for (int i = 0; i < 100; i++) a.service("messages").create(Map.of("n", i)).join();
        await().atMost(Duration.ofSeconds(10)).until(() -> a.sync().counters().get("published") == 100L);
        long docs = db().getCollection("events").countDocuments();
        assertThat(docs).isBetween(20L, 22L); // trimmed every 2 seqs to the last 20
        // every message is received or, if trimmed before this reader saw it, counted as given up
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            Map<String, Long> c = b.sync().counters();
            return created(rb).size() + c.get("gapsGivenUp") == 100;
        });
        assertThat(created(rb)).extracting(d -> (Object) ((Map<?, ?>) d).get("n")).doesNotHaveDuplicates();
    }

    @Test
    void startsWhileTheServerIsDownAndConnectsWhenItComesUp() throws Exception {
        server.cut();
        Application a, b;
        CompletableFuture<Object> early;
        try {
            a = app(o -> { });
            b = app(o -> { });
            await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5))
                    .until(() -> a.sync().state() == SyncState.CONNECTING);
            assertThat(a.sync().ready()).isNotDone();
            early = a.service("messages").create(Map.of("text", "while down"));
            early.join(); // the service call itself never waits for the broker
        } finally {
            server.restore();
        }
        a.sync().ready().orTimeout(30, TimeUnit.SECONDS).join();
        b.sync().ready().orTimeout(30, TimeUnit.SECONDS).join();
        List<Received> ra = record(a), rb = record(b);
        a.service("messages").create(Map.of("text", "after")).join();
        await().atMost(Duration.ofSeconds(15)).until(() -> created(rb).stream()
                .anyMatch(d -> "after".equals(((Map<?, ?>) d).get("text"))));
        assertThat(a.sync().counters().get("bufferDropped")).isZero();
        assertThat(ra).isNotNull();
    }

    @Test
    void aServerThatLostItsDataIsReadAgain() throws Exception {
        Application a = readyApp(), b = readyApp();
        List<Received> rb = record(b);
        a.service("messages").create(Map.of("text", "before")).join();
        await().atMost(Duration.ofSeconds(15)).until(() -> created(rb).size() == 1);

        server.restartLosingData(); // every collection, the counter and the change history are gone
        await().atMost(Duration.ofSeconds(30)).until(() -> a.sync().state() == SyncState.CONNECTED
                && b.sync().state() == SyncState.CONNECTED);
        // keep publishing until events flow again: readers may come back a moment after writers
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).until(() -> {
            a.service("messages").create(Map.of("text", "after")).join();
            return created(rb).stream().anyMatch(d -> "after".equals(((Map<?, ?>) d).get("text")));
        });
    }
}
