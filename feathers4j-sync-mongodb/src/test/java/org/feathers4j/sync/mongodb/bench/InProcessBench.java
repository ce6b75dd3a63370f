package org.feathers4j.sync.mongodb.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.feathers4j.Application;
import org.feathers4j.memory.MemoryService;
import org.feathers4j.sync.Sync;
import org.feathers4j.sync.SyncOptions;

/**
 * A bounded measurement, not a test: three apps in one JVM (A creates, B and C receive) on a
 * MongoDB-compatible in-process server (mongo-java-server, NOT MongoDB), per mechanism. Burst:
 * N creates with at most 100 in flight, events/s to the slower of B and C; latency: paced creates,
 * create() to event on B. Run: java -cp <test classpath> ...InProcessBench [burst] [paced] [mechanism...]
 */
public final class InProcessBench {

    public static void main(String[] args) throws Exception {
        int burst = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        int paced = args.length > 1 ? Integer.parseInt(args[1]) : 500;
        List<String> mechanisms = args.length > 2 ? Arrays.asList(args).subList(2, args.length) : List.of("change-stream", "polling");
        de.bwaldvogel.mongo.MongoServer server = new de.bwaldvogel.mongo.MongoServer(new de.bwaldvogel.mongo.backend.memory.MemoryBackend());
        server.enableOplog();
        server.bind(new java.net.InetSocketAddress("127.0.0.1", 0));
        int port = server.getLocalAddress().getPort();
        try {
            for (String m : mechanisms) run(m, "mongodb://127.0.0.1:" + port + "/bench_" + m.replace('-', '_'), burst, paced);
        } finally {
            server.shutdownNow();
            System.exit(0);
        }
    }

    private static Application app(String uri, String mechanism) {
        Application a = new Application().use("messages", new MemoryService());
        a.configure(Sync.of(SyncOptions.uri(uri).option("mechanism", mechanism).option("retryInterval", 20)));
        a.sync().ready().orTimeout(20, TimeUnit.SECONDS).join();
        return a;
    }

    private static void run(String mechanism, String uri, int burst, int paced) throws Exception {
        Application a = app(uri, mechanism), b = app(uri, mechanism), c = app(uri, mechanism);
        AtomicInteger gotB = new AtomicInteger(), gotC = new AtomicInteger(), disorder = new AtomicInteger();
        Map<Integer, Long> sentAt = new ConcurrentHashMap<>();
        List<Long> lat = java.util.Collections.synchronizedList(new ArrayList<>());
        int[] lastB = {-1};
        b.service("messages").on("created", (d, ctx) -> {
            int n = ((Number) ((Map<?, ?>) d).get("n")).intValue();
            if (n >= 0) {
                if (n < lastB[0]) disorder.incrementAndGet();
                lastB[0] = n;
                gotB.incrementAndGet();
            } else {
                Long t0 = sentAt.get(-n);
                if (t0 != null) lat.add(System.nanoTime() - t0);
            }
        });
        c.service("messages").on("created", (d, ctx) -> {
            if (((Number) ((Map<?, ?>) d).get("n")).intValue() >= 0) gotC.incrementAndGet();
        });
        Semaphore inFlight = new Semaphore(100);
        long t0 = System.nanoTime();
        for (int i = 0; i < burst; i++) {
            inFlight.acquire();
            a.service("messages").create(Map.of("n", i, "text", "x".repeat(100))).whenComplete((r, e) -> inFlight.release());
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while ((gotB.get() < burst || gotC.get() < burst) && System.nanoTime() < deadline) Thread.sleep(5);
        double secs = (System.nanoTime() - t0) / 1e9;
        int min = Math.min(gotB.get(), gotC.get());
        System.out.printf("%s burst: %d events, %.0f ev/s to each other instance, lost %d, out of order %d%n",
                mechanism, burst, min / secs, burst - min, disorder.get());
        long period = 1_000_000_000L / 200; // 200/s
        long next = System.nanoTime();
        for (int i = 1; i <= paced; i++) {
            while (System.nanoTime() < next) Thread.onSpinWait();
            sentAt.put(i, System.nanoTime());
            a.service("messages").create(Map.of("n", -i));
            next += period;
        }
        deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (lat.size() < paced && System.nanoTime() < deadline) Thread.sleep(5);
        List<Long> l = new ArrayList<>(lat);
        l.sort(null);
        if (!l.isEmpty()) {
            System.out.printf("%s latency (200/s, %d events, %d received): p50 %.2f ms, p90 %.2f ms, p99 %.2f ms%n", mechanism, paced,
                    l.size(), l.get(l.size() / 2) / 1e6, l.get(l.size() * 9 / 10) / 1e6, l.get(Math.min(l.size() - 1, l.size() * 99 / 100)) / 1e6);
        }
        for (Application x : List.of(a, b, c)) x.sync().close().join();
    }
}
