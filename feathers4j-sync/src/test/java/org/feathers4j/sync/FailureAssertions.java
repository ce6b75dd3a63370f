package org.feathers4j.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.feathers4j.SyncState;
import org.feathers4j.sync.spi.SyncAdapter;

/** What "failed visibly" means, checked the same way for every adapter. */
public final class FailureAssertions {

    private FailureAssertions() {
    }

    /**
     * Waits up to {@code within} for the adapter to be {@link SyncState#FAILED}, then checks that
     * its last error has a {@code cause} in its cause chain, that {@code ready()} failed, and that
     * an ERROR line naming the cause's class was logged.
     */
    public static void assertFailedVisibly(SyncAdapter adapter, Class<? extends Throwable> cause, LogCapture log,
                                           Duration within) {
        assertFailedVisibly(adapter, cause, log, within, false);
    }

    /**
     * Starts an adapter whose connector throws {@code cause} and checks that it fails visibly within
     * 5 s without retrying: a message published before the start fails, and the adapter counts one
     * connect attempt ({@code connectAttempts}). Closes the adapter.
     */
    public static void assertStartFailsOnceAndStops(SyncAdapter adapter, Class<? extends Throwable> cause) {
        try (LogCapture log = LogCapture.start()) {
            CompletableFuture<Void> buffered = adapter.publish("{}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            adapter.start(m -> { });
            assertFailedVisibly(adapter, cause, log, Duration.ofSeconds(5));
            await().atMost(Duration.ofSeconds(2)).until(buffered::isDone); // failed just after the state is set
            assertThat(buffered).isCompletedExceptionally();
            assertThat(adapter.counters()).containsEntry("connectAttempts", 1L); // not retried
        } finally {
            adapter.close().orTimeout(15, TimeUnit.SECONDS).join();
        }
    }

    /** As {@link #assertFailedVisibly(SyncAdapter, Class, LogCapture, Duration)} for an adapter that was ready before it failed. */
    public static void assertFailedAfterReady(SyncAdapter adapter, Class<? extends Throwable> cause, LogCapture log,
                                              Duration within) {
        assertFailedVisibly(adapter, cause, log, within, true);
    }

    private static void assertFailedVisibly(SyncAdapter adapter, Class<? extends Throwable> cause, LogCapture log,
                                            Duration within, boolean wasReady) {
        await().atMost(within).pollInterval(Duration.ofMillis(50))
                .untilAsserted(() -> assertThat(adapter.state()).as("state of %s", adapter).isEqualTo(SyncState.FAILED));
        assertThat(adapter.lastError()).as("lastError").isNotNull();
        assertThat(hasInChain(adapter.lastError(), cause)).as("lastError %s has a %s in its causes", adapter.lastError(),
                cause.getSimpleName()).isTrue();
        CompletableFuture<Void> ready = adapter.ready();
        // ready() is completed just after the state is set (outside the adapter's lock, as it runs callbacks)
        await().atMost(Duration.ofSeconds(2)).until(ready::isDone);
        if (wasReady) assertThat(ready).isCompleted();
        else assertThat(ready).isCompletedExceptionally();
        await().atMost(Duration.ofSeconds(2)).untilAsserted(() ->
                assertThat(log.lines("ERROR", cause.getSimpleName())).as("ERROR line naming %s in:%n%s", cause.getSimpleName(), log.text())
                        .isNotEmpty());
    }

    /** Whether {@code type} is {@code e} or one of its causes. */
    public static boolean hasInChain(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) return true;
        }
        return false;
    }

    /** Waits for a future, ignoring its outcome. */
    public static void settle(CompletableFuture<?> f) {
        try {
            f.get(15, TimeUnit.SECONDS);
        } catch (Exception ignored) {
            // only waiting
        }
    }
}
