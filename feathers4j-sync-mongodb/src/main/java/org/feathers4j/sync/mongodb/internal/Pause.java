package org.feathers4j.sync.mongodb.internal;

import java.util.function.BooleanSupplier;

/** Waits that end early when the adapter closes. */
final class Pause {

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
}
