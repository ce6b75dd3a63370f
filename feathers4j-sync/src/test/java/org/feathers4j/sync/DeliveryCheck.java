package org.feathers4j.sync;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.feathers4j.Application;

/**
 * The delivery checks of the durability tests (issue 16), the same for every adapter: a {@link Sender}
 * creates numbered {@code messages} at a steady rate on one app, a {@link Recorder} on each receiving app
 * records the numbers that arrive as {@code created} events and the {@code sync-gap} events, and says
 * what was lost, duplicated or out of order. Apps come from {@link SyncTestApps#app()}.
 */
public final class DeliveryCheck {

    private DeliveryCheck() {
    }

    /** Starts recording {@code created} events and sync gaps on {@code app}. */
    public static Recorder record(Application app) {
        return new Recorder(app);
    }

    /** Starts creating {@code {from, n}} messages on {@code app} at {@code perSecond}, n = 1, 2, … (a daemon thread). */
    public static Sender send(Application app, String from, int perSecond) {
        return new Sender(app, from, perSecond);
    }

    /** Creates numbered messages at a steady rate until stopped. */
    public static final class Sender implements AutoCloseable {
        private final AtomicLong sent = new AtomicLong();
        private final AtomicLong failed = new AtomicLong();
        private final Thread thread;
        private volatile boolean running = true;

        private Sender(Application app, String from, int perSecond) {
            long periodNanos = 1_000_000_000L / perSecond;
            thread = new Thread(() -> {
                long next = System.nanoTime();
                while (running) {
                    long n = sent.get() + 1;
                    try {
                        app.service("messages").create(Map.of("from", from, "n", n)).join();
                    } catch (RuntimeException e) {
                        failed.incrementAndGet();
                    }
                    sent.set(n);
                    next += periodNanos;
                    long wait = next - System.nanoTime();
                    if (wait > 0) java.util.concurrent.locks.LockSupport.parkNanos(wait);
                }
            }, "delivery-check-sender-" + from);
            thread.setDaemon(true);
            thread.start();
        }

        /** Messages created so far (the last number). */
        public long sent() {
            return sent.get();
        }

        /** Creates that threw (none expected: the service is in memory). */
        public long failed() {
            return failed.get();
        }

        /** Stops sending; returns the number of the last message created. */
        public long stop() {
            running = false;
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return sent.get();
        }

        @Override
        public void close() {
            stop();
        }
    }

    /** Records what one app receives. */
    public static final class Recorder {
        private final Map<String, List<Long>> bySender = new ConcurrentHashMap<>();
        private final List<SyncGap> gaps = new CopyOnWriteArrayList<>();

        private Recorder(Application app) {
            app.service("messages").on("created", (data, ctx) -> {
                if (data instanceof Map<?, ?> m && m.get("from") instanceof String from && m.get("n") instanceof Number n) {
                    bySender.computeIfAbsent(from, k -> new CopyOnWriteArrayList<>()).add(n.longValue());
                }
            });
            app.on(Sync.SYNC_GAP, args -> gaps.add((SyncGap) args[0]));
        }

        /** The numbers received from {@code from}, in arrival order. */
        public List<Long> received(String from) {
            return bySender.getOrDefault(from, List.of());
        }

        /** The sync-gap events received. */
        public List<SyncGap> gaps() {
            return gaps;
        }

        /** The sum of {@link SyncGap#missed()} over the gap events (unknown counts as 0). */
        public long missedByGaps() {
            return gaps.stream().mapToLong(g -> Math.max(0, g.missed())).sum();
        }

        /** Waits until {@code last} arrived from {@code from}, or fails after {@code atMost}. */
        public void awaitLast(String from, long last, Duration atMost) {
            await().atMost(atMost).pollInterval(Duration.ofMillis(50))
                    .until(() -> received(from).contains(last));
        }

        /** Numbers of 1..{@code sent} never received from {@code from}. */
        public long lost(String from, long sent) {
            boolean[] seen = new boolean[(int) sent + 1];
            for (long n : received(from)) if (n >= 1 && n <= sent) seen[(int) n] = true;
            long lost = 0;
            for (int i = 1; i <= sent; i++) if (!seen[i]) lost++;
            return lost;
        }

        /** Numbers received more than once from {@code from}. */
        public long duplicates(String from) {
            List<Long> r = received(from);
            return r.size() - r.stream().distinct().count();
        }

        /** Times a number from {@code from} arrived after a higher one (per-sender order broken). */
        public long outOfOrder(String from) {
            long max = 0;
            long broken = 0;
            for (long n : received(from)) {
                if (n < max) broken++;
                max = Math.max(max, n);
            }
            return broken;
        }

        /** A one-line account for assertion messages. */
        public String describe(String from, long sent) {
            List<Long> r = new ArrayList<>(received(from));
            return "from " + from + ": sent " + sent + ", received " + r.size() + ", lost " + lost(from, sent)
                    + ", duplicates " + duplicates(from) + ", out of order " + outOfOrder(from)
                    + ", gap events " + gaps.size() + " (missed " + missedByGaps() + ")";
        }
    }
}
