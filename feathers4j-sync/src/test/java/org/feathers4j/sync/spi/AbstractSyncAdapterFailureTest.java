package org.feathers4j.sync.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.feathers4j.sync.FailureAssertions.assertFailedAfterReady;
import static org.feathers4j.sync.FailureAssertions.assertFailedVisibly;

import java.io.IOException;
import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.feathers4j.SyncState;
import org.feathers4j.sync.LogCapture;
import org.feathers4j.sync.SyncException;
import org.feathers4j.sync.SyncOptions;
import org.feathers4j.sync.spi.support.SyncFailures;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The SPI's half of "no silent failure": throwables from doStart, send, the handler, doClose and
 * the adapter's own executor end in a visible state, and a not-ready adapter says so periodically.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class AbstractSyncAdapterFailureTest {

    private final ExecutorService executor = Executors.newSingleThreadExecutor();
    private Probe adapter;

    @AfterEach
    void tearDown() {
        if (adapter != null) adapter.close().orTimeout(5, TimeUnit.SECONDS).exceptionally(e -> null).join();
        executor.shutdownNow();
    }

    /** A broker-less adapter whose behaviour each test scripts. */
    private final class Probe extends AbstractSyncAdapter {
        Consumer<Probe> onStart = p -> { };
        java.util.function.Function<byte[], CompletableFuture<Void>> onSend = m -> CompletableFuture.completedFuture(null);
        Runnable onClose = () -> { };

        Probe(SyncOptions options) {
            super("probe", options);
        }

        @Override
        protected void doStart() {
            onStart.accept(this);
        }

        @Override
        protected CompletableFuture<Void> send(byte[] message) {
            return onSend.apply(message);
        }

        @Override
        protected CompletableFuture<Void> doClose() {
            onClose.run();
            return CompletableFuture.completedFuture(null);
        }

        /** Like an adapter's connect task on its own executor: what it throws goes to unexpected(). */
        void connectOnExecutor(Runnable connect) {
            executor.execute(() -> {
                try {
                    connect.run();
                } catch (Throwable t) {
                    if (!unexpected("connect", t)) disconnected(t);
                }
            });
        }

        void up() {
            connected();
        }

        void down(Throwable cause) {
            disconnected(cause);
        }
    }

    private Probe probe(SyncOptions options) {
        adapter = new Probe(options);
        return adapter;
    }

    @Test
    void aLinkageErrorThrownByDoStartFailsTheAdapter() {
        Probe p = probe(new SyncOptions());
        p.onStart = x -> {
            throw new NoClassDefFoundError("io/netty/channel/epoll/EpollIoHandler");
        };
        try (LogCapture log = LogCapture.start()) {
            p.start(m -> { });
            assertFailedVisibly(p, NoClassDefFoundError.class, log, Duration.ofSeconds(2));
            assertThat(p.publish(new byte[1])).isCompletedExceptionally();
        }
    }

    @Test
    void whoeverSeesReadyFailSeesFailedAndTheOtherWayRound() {
        Probe p = probe(new SyncOptions());
        java.util.List<SyncState> seenByReady = new java.util.concurrent.CopyOnWriteArrayList<>();
        p.ready().whenComplete((v, e) -> seenByReady.add(p.state()));   // runs inside failed()
        p.onStart = x -> x.failed(new IllegalStateException("wrong password"));
        p.start(m -> { });
        assertThat(seenByReady).containsExactly(SyncState.FAILED);
        assertThat(p.state()).isEqualTo(SyncState.FAILED);
        assertThat(p.ready()).isCompletedExceptionally();
    }

    @Test
    void aLinkageErrorDeepInTheCausesOfAnExecutorTaskFailsTheAdapter() {
        Probe p = probe(new SyncOptions());
        p.onStart = x -> x.connectOnExecutor(() -> {
            throw new IllegalStateException("client init", new ExceptionInInitializerError(new NullPointerException("static")));
        });
        try (LogCapture log = LogCapture.start()) {
            CompletableFuture<Void> buffered = p.publish("a".getBytes(StandardCharsets.UTF_8));
            p.start(m -> { });
            assertFailedVisibly(p, ExceptionInInitializerError.class, log, Duration.ofSeconds(5));
            await().atMost(Duration.ofSeconds(2)).until(buffered::isDone); // failed just after the state is set
            assertThat(buffered).isCompletedExceptionally(); // the buffer is failed, not left waiting
            assertThat(p.counters()).containsEntry("unexpectedErrors", 1L);
        }
    }

    @Test
    void aTransientUnexpectedErrorIsLoggedAndRecordedAndTheAdapterRetries() {
        Probe p = probe(new SyncOptions());
        p.onStart = x -> x.connectOnExecutor(() -> {
            throw new IllegalStateException("a bug in a callback");
        });
        try (LogCapture log = LogCapture.start()) {
            p.start(m -> { });
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(p.lastError()).isNotNull());
            assertThat(p.state()).isEqualTo(SyncState.CONNECTING);
            assertThat(p.lastError()).hasMessage("a bug in a callback");
            assertThat(p.ready()).isNotDone();
            await().atMost(Duration.ofSeconds(2)).untilAsserted(() ->
                    assertThat(log.lines("ERROR", "probe sync: connect threw unexpectedly", "a bug in a callback")).hasSize(1));
        }
    }

    @Test
    void anErrorThrownBySendFailsThePublishAndALinkageErrorTheAdapter() {
        Probe p = probe(new SyncOptions());
        p.onStart = Probe::up;
        p.onSend = m -> {
            throw new NoClassDefFoundError("com/example/Missing");
        };
        try (LogCapture log = LogCapture.start()) {
            p.start(m -> { });
            CompletableFuture<Void> f = p.publish(new byte[1]);
            await().atMost(Duration.ofSeconds(2)).until(f::isDone); // failed just after the state is set
            assertThat(f).isCompletedExceptionally();
            assertFailedAfterReady(p, NoClassDefFoundError.class, log, Duration.ofSeconds(2));
            assertThat(p.counters()).containsEntry("publishErrors", 1L);
        }
    }

    @Test
    void anErrorInASendFutureIsLogged() {
        Probe p = probe(new SyncOptions());
        p.onStart = Probe::up;
        p.onSend = m -> CompletableFuture.failedFuture(new AssertionError("broken invariant"));
        try (LogCapture log = LogCapture.start()) {
            p.start(m -> { });
            assertThat(p.publish(new byte[1])).isCompletedExceptionally();
            await().atMost(Duration.ofSeconds(2)).untilAsserted(() ->
                    assertThat(log.lines("ERROR", "publish threw unexpectedly", "broken invariant")).hasSize(1));
            assertThat(p.state()).isEqualTo(SyncState.CONNECTED); // not a class-path problem: keeps going
            assertThat(p.lastError()).isInstanceOf(SyncException.class).hasCauseInstanceOf(AssertionError.class);
            assertThat(((SyncException) p.lastError()).reason()).isEqualTo(SyncException.Reason.INTERNAL);
        }
    }

    @Test
    void whatTheHandlerThrowsIsLoggedCountedAndALinkageErrorFails() {
        Probe p = probe(new SyncOptions());
        p.onStart = Probe::up;
        try (LogCapture log = LogCapture.start()) {
            p.start(m -> {
                if (m[0] == 1) throw new IllegalArgumentException("bad message");
                throw new NoClassDefFoundError("com/example/Codec");
            });
            p.deliver(new byte[] {1});
            assertThat(p.state()).isEqualTo(SyncState.CONNECTED);
            assertThat(p.counters()).containsEntry("unexpectedErrors", 1L);
            assertThat(log.lines("ERROR", "message handler threw")).hasSize(1);
            p.deliver(new byte[] {2});
            assertFailedAfterReady(p, NoClassDefFoundError.class, log, Duration.ofSeconds(2));
        }
    }

    @Test
    void anErrorThrownByDoCloseFailsTheCloseFutureAndIsLogged() {
        Probe p = probe(new SyncOptions());
        p.onStart = Probe::up;
        p.onClose = () -> {
            throw new NoClassDefFoundError("com/example/Shutdown");
        };
        try (LogCapture log = LogCapture.start()) {
            p.start(m -> { });
            assertThat(p.close()).isCompletedExceptionally();
            assertThat(p.state()).isEqualTo(SyncState.CLOSED);
            assertThat(log.lines("ERROR", "closing failed", "NoClassDefFoundError")).hasSize(1);
        }
        adapter = null;
    }

    @Test
    void aNotReadyAdapterWarnsPeriodicallyWithTheLastErrorAndTheBufferedCount() throws Exception {
        Probe p = probe(new SyncOptions().notReadyWarning(Duration.ofMillis(200)));
        p.onStart = x -> x.down(new ConnectException("Connection refused: 127.0.0.1/127.0.0.1:1"));
        try (LogCapture log = LogCapture.start()) {
            p.start(m -> { });
            for (int i = 0; i < 3; i++) p.publish(new byte[] {(byte) i});
            // first after 200 ms, then every 600 ms
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                    assertThat(log.lines("WARN", "probe sync not ready for", "(connecting)", "3 event(s) buffered",
                            "ConnectException: Connection refused")).hasSizeGreaterThanOrEqualTo(2));
            p.up();
            int warned = log.lines("probe sync not ready").size();
            await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(2))
                    .until(() -> log.lines("probe sync not ready").size() == warned); // no warning once connected
            p.down(new IOException("connection reset"));
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                    assertThat(log.lines("WARN", "probe sync not ready", "(disconnected)", "0 event(s) buffered",
                            "IOException: connection reset")).hasSize(1));
        }
    }

    @Test
    void theWarningCanBeTurnedOff() throws Exception {
        Probe p = probe(new SyncOptions().notReadyWarning(Duration.ZERO));
        p.onStart = x -> x.down(new ConnectException("Connection refused"));
        try (LogCapture log = LogCapture.start()) {
            p.start(m -> { });
            await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(1))
                    .until(() -> log.lines("probe sync not ready").isEmpty());
        }
    }

    @Test
    void classification() {
        assertThat(SyncFailures.isUnrecoverable(new NoClassDefFoundError("x"))).isTrue();
        assertThat(SyncFailures.isUnrecoverable(new java.util.concurrent.CompletionException(
                new RuntimeException(new UnsatisfiedLinkError("no epoll"))))).isTrue();
        assertThat(SyncFailures.isUnrecoverable(new IOException("refused"))).isFalse();
        assertThat(SyncFailures.isUnrecoverable(new OutOfMemoryError())).isFalse();
        assertThat(SyncFailures.isUnrecoverable(null)).isFalse();
        RuntimeException loop = new RuntimeException("a");
        RuntimeException other = new RuntimeException("b", loop);
        loop.initCause(other);
        assertThat(SyncFailures.isUnrecoverable(loop)).isFalse();
    }
}
