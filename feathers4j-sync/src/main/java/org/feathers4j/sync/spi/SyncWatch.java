package org.feathers4j.sync.spi;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.feathers4j.sync.spi.support.DaemonThreads;

/**
 * The one daemon thread all adapters of the JVM share for their not-ready warnings and for
 * failing an adapter off a broker client's I/O thread (which may hold the client's locks). Its
 * tasks are short and never block; it starts on first use.
 */
final class SyncWatch {

    private static volatile ScheduledThreadPoolExecutor executor;

    private SyncWatch() {
    }

    private static ScheduledThreadPoolExecutor executor() {
        ScheduledThreadPoolExecutor e = executor;
        if (e != null) return e;
        synchronized (SyncWatch.class) {
            if (executor == null) {
                ScheduledThreadPoolExecutor x = new ScheduledThreadPoolExecutor(1, DaemonThreads.named("feathers4j-sync-watch"));
                x.setRemoveOnCancelPolicy(true); // a cancelled check must not keep its adapter reachable
                executor = x;
            }
            return executor;
        }
    }

    /** Runs {@code task} after {@code delayMillis}; {@code null} if it cannot be scheduled (never in practice). */
    static ScheduledFuture<?> schedule(Runnable task, long delayMillis) {
        try {
            return executor().schedule(guard(task), delayMillis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            return null;
        }
    }

    /** Runs {@code task} soon on the watch thread, or here if it cannot be scheduled. */
    static void execute(Runnable task) {
        try {
            executor().execute(guard(task));
        } catch (RejectedExecutionException e) {
            task.run();
        }
    }

    // the shared thread must outlive whatever one adapter's task throws
    private static Runnable guard(Runnable task) {
        return () -> {
            try {
                task.run();
            } catch (Throwable t) {
                org.slf4j.LoggerFactory.getLogger(SyncWatch.class).error("sync watch task failed", t);
            }
        };
    }
}
