package org.feathers4j.server.internal;

import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;

/**
 * WARN lines about client input, at most {@code perWindow} per window: a client sending garbage in
 * a loop must not fill the disk. Lines beyond it are counted and reported with the next line let
 * through. Callers pass no payload, only what the server knows (session, address, a reason).
 */
final class RateLimitedLog {

    private final Logger log;
    private final int perWindow;
    private final long windowNanos;
    private final AtomicLong windowStart = new AtomicLong(System.nanoTime());
    private final AtomicLong inWindow = new AtomicLong();
    private final AtomicLong suppressed = new AtomicLong();
    private final AtomicLong total = new AtomicLong();

    RateLimitedLog(Logger log, int perWindow, long windowMillis) {
        this.log = log;
        this.perWindow = perWindow;
        this.windowNanos = windowMillis * 1_000_000L;
    }

    /** Counts one occurrence and logs it at WARN unless this window's budget is spent. */
    void warn(String format, Object... args) {
        total.incrementAndGet();
        long now = System.nanoTime();
        long start = windowStart.get();
        if (now - start >= windowNanos && windowStart.compareAndSet(start, now)) inWindow.set(0);
        if (inWindow.incrementAndGet() > perWindow) {
            suppressed.incrementAndGet();
            return;
        }
        long dropped = suppressed.getAndSet(0);
        if (dropped > 0) {
            log.warn(format + " ({} similar lines suppressed before this one)", append(args, dropped));
        } else {
            log.warn(format, args);
        }
    }

    /** Occurrences so far, logged or not. */
    long total() {
        return total.get();
    }

    private static Object[] append(Object[] args, Object last) {
        Object[] all = java.util.Arrays.copyOf(args, args.length + 1);
        all[args.length] = last;
        return all;
    }
}
