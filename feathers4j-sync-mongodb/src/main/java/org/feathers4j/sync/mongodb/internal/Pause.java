package org.feathers4j.sync.mongodb.internal;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import org.feathers4j.sync.mongodb.MongoSyncConfig;
import org.feathers4j.sync.spi.support.Backoff;

/** Waits that end early when the adapter closes, and how long to wait after errors. */
final class Pause {

    /** The longest wait between attempts while errors last (unless {@code retryInterval} is longer). */
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);

    private Pause() {
    }

    /** Sleeps up to {@code ms}, waking every 100 ms to check {@code closed}. */
    static void unlessClosed(long ms, BooleanSupplier closed) {
        long end = System.nanoTime() + ms * 1_000_000L;
        while (!closed.getAsBoolean()) {
            long left = end - System.nanoTime();
            if (left <= 0) return;
            try {
                Thread.sleep(Math.min(left / 1_000_000L + 1, 100));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /**
     * The waits after consecutive errors, for the reader and the writer alike: {@code retryInterval}
     * first, doubling up to 5 s (or {@code retryInterval} when that is longer).
     */
    static Backoff afterErrors(MongoSyncConfig config) {
        Duration first = config.retryInterval();
        return Backoff.exponential(first, first.compareTo(MAX_BACKOFF) > 0 ? first : MAX_BACKOFF);
    }
}
