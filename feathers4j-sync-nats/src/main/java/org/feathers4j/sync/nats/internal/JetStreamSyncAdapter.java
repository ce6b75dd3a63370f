package org.feathers4j.sync.nats.internal;

import static org.feathers4j.sync.nats.internal.NatsFailures.clean;

import io.nats.client.Connection;
import io.nats.client.ConnectionListener;
import io.nats.client.Consumer;
import io.nats.client.ErrorListener;
import io.nats.client.JetStream;
import io.nats.client.Nats;
import io.nats.client.Options;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.feathers4j.sync.SyncException.Reason;
import org.feathers4j.sync.SyncGap;
import org.feathers4j.sync.SyncOptions;
import org.feathers4j.sync.nats.NatsSyncConfig;
import org.feathers4j.sync.spi.AbstractSyncAdapter;
import org.feathers4j.sync.spi.support.DaemonThreads;
import org.feathers4j.sync.spi.support.SyncFailures;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The NATS adapter in JetStream mode ({@code mode=jetstream}): one long-lived connection; the key's
 * stream ({@link StreamSetup}); acknowledged, deduplicated, ordered publishes ({@link JetStreamPublisher});
 * an ordered reader that resumes from its last stream sequence ({@link OrderedReader}); with a fixed
 * instance id, the position stored for {@code resume=LAST} ({@link CursorStore}).
 *
 * <p>Connecting: the first connection is made here and retried every {@code reconnectWait} (+ up to
 * {@code reconnectJitter}) while the servers are unreachable; refused credentials, a failed TLS
 * handshake, a broken class path and a stream that cannot be used fail at once. After that the
 * client reconnects by itself. The adapter is connected (publishes flow, {@code ready()} completes)
 * once the reader has opened its consumer; it reports disconnected when the client loses the connection.
 * Unlike core mode there is no {@code resumeDelay}: the stream keeps what is published while others reconnect.
 *
 * <p>Threads: connection attempts and publish retries on one daemon worker thread; reading and
 * delivering on the reader thread.
 */
public final class JetStreamSyncAdapter extends AbstractSyncAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(JetStreamSyncAdapter.class);

    private final NatsSyncConfig config;
    private final String where;
    private final Options clientOptions;
    private final ScheduledThreadPoolExecutor worker;
    private final StreamSetup setup;
    private final JetStreamPublisher publisher;
    private final OrderedReader reader;
    private final AtomicLong connectAttempts = new AtomicLong();
    private final AtomicLong clientErrors = new AtomicLong();
    private final AtomicLong readerErrors = new AtomicLong();
    private final AtomicLong syncGaps = new AtomicLong();
    private volatile Connection connection;
    private volatile JetStream jetStream;
    /** The reader has opened its consumer since the last disconnection: JetStream answers, publishes may go. */
    private volatile boolean streamReady;

    /**
     * An adapter that opens, owns and closes its connection to the options' URI and the config's servers.
     *
     * @throws IllegalArgumentException if the URI is malformed or not nats/tls, or there is no server
     */
    public JetStreamSyncAdapter(SyncOptions options, NatsSyncConfig config) {
        super(NatsFailures.TYPE, options);
        this.config = Objects.requireNonNull(config, "config");
        List<String> servers = ClientOptions.servers(options, config);
        this.where = ClientOptions.where(servers);
        this.clientOptions = ClientOptions.builder(servers, config)
                .connectionListener(this::onConnectionEvent).errorListener(new Errors())
                // no client-side reconnect buffer: a publish while disconnected fails at once and the
                // publisher, the one buffer of this mode, sends it again in order after the reconnection
                .reconnectBufferSize(0)
                .build();
        this.worker = new ScheduledThreadPoolExecutor(1, DaemonThreads.factory(NatsFailures.TYPE, "jetstream-worker"));
        worker.setRemoveOnCancelPolicy(true);
        this.setup = new StreamSetup(config, options.key());
        // unique per message of this adapter instance, also across restarts with a fixed instance id
        String idPrefix = options.instanceId() + "~" + UUID.randomUUID().toString().substring(0, 8);
        this.publisher = new JetStreamPublisher(options.key(), setup.name(), idPrefix, config.publishWindow(),
                options.bufferSize(), config.publishTimeout(), config.reconnectWait(), this::liveJetStream, this::schedule, this::publishFailed);
        CursorStore cursors = options.instanceIdFixed() ? new CursorStore(config.cursorBucket(), setup.name(), options.instanceId()) : null;
        this.reader = new OrderedReader(this, setup, cursors, options.resume() == SyncOptions.Resume.LAST, config);
    }

    /** The stream's name (for tests and diagnostics). */
    public String streamName() {
        return setup.name();
    }

    /**
     * The server's name of this instance's current consumer on the stream, or {@code null} before
     * the first; it changes each time the consumer is remade (for tests and diagnostics).
     */
    public String consumerName() {
        return reader.consumerName();
    }

    // ---- start ---------------------------------------------------------------------------

    @Override
    protected void doStart() {
        schedule(this::connectAttempt, 0);
    }

    private boolean schedule(Runnable task, long delayMs) {
        Runnable guarded = () -> {
            try {
                task.run();
            } catch (Throwable t) {
                unexpectedError("worker", t);
            }
        };
        try {
            if (delayMs <= 0) worker.execute(guarded);
            else worker.schedule(guarded, delayMs, TimeUnit.MILLISECONDS);
            return true;
        } catch (RejectedExecutionException e) {
            return false; // closed
        }
    }

    private void unexpectedError(String what, Throwable t) {
        Reason reason = SyncFailures.isUnrecoverable(t) ? Reason.INCOMPATIBLE_CLASSPATH : Reason.INTERNAL;
        if (unexpected(what, NatsFailures.of(reason, "nats sync: " + what + " failed: " + SyncFailures.describe(t), t))) shutDown();
    }

    private void connectAttempt() {
        if (isClosed()) return;
        long n = connectAttempts.incrementAndGet();
        Connection c;
        try {
            c = Nats.connect(clientOptions);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        } catch (Throwable e) {
            connectFailed(n, e);
            return;
        }
        if (isClosed()) {
            closeQuietly(c);
            return;
        }
        connection = c;
        try {
            jetStream = c.jetStream();
        } catch (IOException e) {
            failed(NatsFailures.of(Reason.CONFIGURATION, "nats sync: JetStream is not available on " + where + ": "
                    + clean(e.getMessage()), e));
            return;
        }
        if (n > 1) LOG.info("nats sync: connected to {} after {} attempts", where, n);
        reader.start();
    }

    private void connectFailed(long n, Throwable e) {
        Reason reason = NatsFailures.reason(e);
        String detail = clean(e.getMessage());
        switch (reason) {
            case AUTHENTICATION -> failed(NatsFailures.of(reason, "NATS server " + where + " refused the credentials ("
                    + detail + "); check user/password, token or credentials. Not retrying.", e));
            case TLS -> failed(NatsFailures.of(reason, "the TLS handshake with NATS server " + where + " failed ("
                    + detail + "); check the trust store or the natsOptions SSLContext. Not retrying.", e));
            case INCOMPATIBLE_CLASSPATH -> failed(NatsFailures.of(reason, "nats sync cannot connect to " + where + ": "
                    + SyncFailures.describe(e) + " (not retried: a class is missing or incompatible on the class path)", e));
            default -> {
                disconnected(NatsFailures.of(Reason.UNREACHABLE, "NATS server " + where + " unreachable (attempt " + n + "): "
                        + detail, e));
                if (config.maxReconnects() >= 0 && n > config.maxReconnects()) {
                    failed(NatsFailures.of(Reason.UNREACHABLE, "gave up connecting to NATS " + where + " after " + n
                            + " attempts (maxReconnects " + config.maxReconnects() + "); last error: " + detail, e));
                    return;
                }
                if (n == 1 || n % 30 == 0) {
                    LOG.warn("nats sync: cannot connect to {} yet ({}); retrying every {} ms, publishes are buffered (attempt {})",
                            where, detail, config.reconnectWait().toMillis(), n);
                }
                long jitter = config.reconnectJitter().toMillis();
                schedule(this::connectAttempt, config.reconnectWait().toMillis()
                        + (jitter > 0 ? ThreadLocalRandom.current().nextLong(jitter + 1) : 0));
            }
        }
    }

    // ---- for the reader and the publisher ------------------------------------------------

    /** The connection while it is connected, else {@code null}. */
    Connection liveConnection() {
        Connection c = connection;
        if (c == null || isClosed() || c.getStatus() != Connection.Status.CONNECTED) return null;
        return c;
    }

    /** The connection while it is connected, also while closing (to store the position last). */
    Connection connectionForClose() {
        Connection c = connection;
        return c != null && c.getStatus() == Connection.Status.CONNECTED ? c : null;
    }

    private JetStream liveJetStream() {
        return streamReady && liveConnection() != null ? jetStream : null;
    }

    /** The reader opened its consumer: publishes may flow. */
    void readerOpened() {
        if (liveConnection() == null) return; // lost again meanwhile: the listener reports it
        streamReady = true;
        connected();
        publisher.kick();
    }

    void readerDeliver(byte[] message) {
        deliver(message);
    }

    void readerGap(SyncGap gap) {
        syncGaps.incrementAndGet();
        deliverGap(gap);
    }

    void readerError(Throwable e) {
        long n = readerErrors.incrementAndGet();
        Reason reason = NatsFailures.reason(e);
        if (reason == Reason.INCOMPATIBLE_CLASSPATH) {
            unexpectedError("reader", e);
            return;
        }
        recordError(NatsFailures.of(reason == Reason.INTERNAL ? Reason.PROTOCOL : reason, "nats sync: reading stream "
                + setup.name() + " failed: " + clean(e.getMessage()), e));
        if (!isClosed() && (n <= 3 || n % 50 == 0)) {
            LOG.warn("nats sync: reading stream {} failed ({} so far), trying again: {}", setup.name(), n, clean(String.valueOf(e)));
        }
    }

    void readerFailed(Throwable e) {
        failed(e);
        schedule(this::shutDown, 0);
    }

    private void publishFailed(Throwable cause) {
        // a publish not acknowledged: the connection dropped (the listener reports it) or the stream is
        // missing (the reader makes it again when it finds it gone); either way it is sent again
        LOG.debug("nats sync: a JetStream publish failed; sending the unacknowledged ones again: {}", clean(String.valueOf(cause)));
        reader.reopen();
    }

    // ---- publish -------------------------------------------------------------------------

    @Override
    protected CompletableFuture<Void> send(byte[] message) {
        return publisher.publish(message);
    }

    // ---- close ---------------------------------------------------------------------------

    @Override
    protected CompletableFuture<Void> doClose() {
        return CompletableFuture.runAsync(this::shutDown);
    }

    private void shutDown() {
        reader.stop(Duration.ofSeconds(3)); // stores the position first
        publisher.close();
        worker.shutdownNow();
        Connection c = connection;
        if (c != null) closeQuietly(c);
    }

    private static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.debug("nats sync: closing the connection failed", e);
        }
    }

    @Override
    public Map<String, Long> counters() {
        Map<String, Long> m = super.counters();
        m.put("connectAttempts", connectAttempts.get());
        m.put("clientErrors", clientErrors.get());
        m.put("publishAcked", publisher.acked());
        m.put("publishDuplicates", publisher.duplicates());
        m.put("publishResent", publisher.resends());
        m.put("publishRefused", publisher.refused());
        m.put("publishDropped", publisher.dropped());
        m.put("publishPending", (long) publisher.pending());
        m.put("streamDelivered", reader.delivered());
        m.put("streamLastSeq", reader.lastDelivered());
        m.put("streamSkipped", reader.skipped());
        m.put("consumerReopened", reader.reopened());
        m.put("readerErrors", readerErrors.get());
        m.put("cursorErrors", reader.cursorErrors());
        m.put("adapterGaps", syncGaps.get());
        return m;
    }

    // ---- client callbacks ----------------------------------------------------------------

    private void onConnectionEvent(Connection conn, ConnectionListener.Events type) {
        try {
            if (isClosed() || conn != connection) return;
            switch (type) {
                case DISCONNECTED -> {
                    String last = conn.getLastError();
                    disconnected(NatsFailures.of(Reason.UNREACHABLE, "connection to NATS " + where + " lost"
                            + (last == null || last.isEmpty() ? "" : ": " + clean(last)), null));
                    streamReady = false;
                    publisher.connectionLost();
                    reader.reopen();
                }
                case RECONNECTED -> {
                    LOG.info("nats sync: reconnected to {}; reopening the JetStream consumer", where);
                    reader.reopen(); // it reports connected once its consumer is open again
                }
                case CLOSED -> {
                    String last = conn.getLastError();
                    failed(NatsFailures.of(Reason.UNREACHABLE, "NATS connection to " + where + " closed after reconnection "
                            + "gave up (maxReconnects " + config.maxReconnects() + ")"
                            + (last == null || last.isEmpty() ? "" : "; last error: " + clean(last)), null));
                }
                case LAME_DUCK -> LOG.info("nats sync: server {} entered lame duck mode; the client will move to another server", where);
                default -> { }
            }
        } catch (Throwable t) {
            schedule(() -> unexpectedError("connection listener (" + type + ")", t), 0);
        }
    }

    /** The client's error listener: counted and recorded; class path problems fail the adapter off the client's thread. */
    private final class Errors implements ErrorListener {
        @Override
        public void errorOccurred(Connection conn, String error) {
            clientErrors.incrementAndGet();
            String e = clean(error);
            recordError(NatsFailures.of(NatsFailures.serverErrorReason(error), "NATS server error: " + e, null));
            if (!isClosed()) LOG.warn("nats sync: server {} reported an error: {}", where, e);
        }

        @Override
        public void exceptionOccurred(Connection conn, Exception exp) {
            clientErrors.incrementAndGet();
            if (SyncFailures.isUnrecoverable(exp)) {
                schedule(() -> unexpectedError("client", exp), 0);
                return;
            }
            recordError(NatsFailures.clientException(exp, where));
            if (!isClosed()) LOG.debug("nats sync: client exception on {}: {}", where, clean(exp.getMessage()));
        }

        @Override
        public void slowConsumerDetected(Connection conn, Consumer consumer) {
            LOG.warn("nats sync: slow consumer on {} (the JetStream consumer's flow control should prevent this)", where);
        }
    }
}
