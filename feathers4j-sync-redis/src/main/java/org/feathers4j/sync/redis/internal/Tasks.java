package org.feathers4j.sync.redis.internal;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.feathers4j.sync.spi.support.DaemonThreads;

/**
 * The adapter's scheduler thread: connection attempts, health checks, and whatever Lettuce's callbacks hand
 * over (they must not run adapter code on Lettuce's I/O threads, which may hold Lettuce's locks). A task that
 * throws is reported, never lost in a future nobody reads.
 */
final class Tasks {

    private final BiConsumer<String, Throwable> onError;
    private volatile ScheduledExecutorService scheduler;

    /** @param onError what to do with a throwable a task threw: (what was running, the throwable) */
    Tasks(BiConsumer<String, Throwable> onError) {
        this.onError = onError;
    }

    /** Starts the scheduler thread. */
    void start() {
        ScheduledThreadPoolExecutor s = new ScheduledThreadPoolExecutor(1, DaemonThreads.factory(RedisSyncAdapter.TYPE, "scheduler"));
        s.setRemoveOnCancelPolicy(true);
        scheduler = s;
    }

    /**
     * Runs {@code r} on the scheduler thread; dropped once shut down.
     *
     * @return whether it was taken
     */
    boolean run(Runnable r) {
        return schedule(r, 0);
    }

    /**
     * Runs {@code r} on the scheduler thread after {@code delayMillis}; dropped once shut down.
     *
     * @return whether it was taken
     */
    boolean schedule(Runnable r, long delayMillis) {
        ScheduledExecutorService s = scheduler;
        if (s == null || s.isShutdown()) return false;
        try {
            if (delayMillis <= 0) s.execute(guarded("internal task", r));
            else s.schedule(guarded("internal task", r), delayMillis, TimeUnit.MILLISECONDS);
            return true;
        } catch (RuntimeException e) {
            return false; // rejected: shutting down
        }
    }

    /** Runs {@code r} every {@code everyMillis} (a periodic task that threw would never run again: it is guarded). */
    void every(String what, Runnable r, long everyMillis) {
        scheduler.scheduleWithFixedDelay(guarded(what, r), everyMillis, everyMillis, TimeUnit.MILLISECONDS);
    }

    /** Runs {@code r} on the scheduler thread, or here if it is not running. */
    void runOrHere(Runnable r) {
        ScheduledExecutorService s = scheduler;
        if (s != null && !s.isShutdown()) {
            try {
                s.execute(r);
                return;
            } catch (RuntimeException e) {
                // rejected: shutting down
            }
        }
        r.run();
    }

    /** Stops the scheduler thread once the queued tasks ran. */
    void shutdown() {
        ScheduledExecutorService s = scheduler;
        if (s != null) s.shutdown();
    }

    private Runnable guarded(String what, Runnable r) {
        return () -> {
            try {
                r.run();
            } catch (Throwable e) {
                onError.accept(what, e);
            }
        };
    }
}
