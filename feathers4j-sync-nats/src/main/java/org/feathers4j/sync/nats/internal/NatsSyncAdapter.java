package org.feathers4j.sync.nats.internal;

import static org.feathers4j.sync.nats.internal.NatsFailures.clean;

import io.nats.client.AuthenticationException;
import io.nats.client.Connection;
import io.nats.client.ConnectionListener;
import io.nats.client.Dispatcher;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Options;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.feathers4j.SyncState;
import org.feathers4j.sync.SyncException.Reason;
import org.feathers4j.sync.SyncOptions;
import org.feathers4j.sync.nats.NatsSyncConfig;
import org.feathers4j.sync.spi.AbstractSyncAdapter;
import org.feathers4j.sync.spi.support.DaemonThreads;
import org.feathers4j.sync.spi.support.SyncFailures;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The NATS adapter: one long-lived connection that publishes to and subscribes on the subject
 * {@code key}, payloads as they are (the JSON string Node feathers-sync sends, no headers).
 *
 * <p>Connecting: the first connection is made here, retried every {@code reconnectWait} (+ up to
 * {@code reconnectJitter}, the client's own reconnection policy) while the servers are unreachable,
 * and given up on refused credentials, a failed TLS handshake, a broken class path, or after
 * {@code maxReconnects} attempts. After that the client's own reconnection takes over; it re-sends
 * the subscription itself. Sync's buffer holds what is published while disconnected and is sent
 * {@code resumeDelay} after the reconnection, when the subscription has been confirmed by a round
 * trip to the server. Every failure reported is a {@code SyncException} (see {@link NatsFailures}).
 *
 * <p>Threads: connection attempts, resumes and flushes of the buffer run on one daemon thread of
 * this adapter; messages are delivered on the client's dispatcher thread (one, in order).
 */
public final class NatsSyncAdapter extends AbstractSyncAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(NatsSyncAdapter.class);

    private final NatsSyncConfig config;
    private final String subject;
    private final String where;
    private final Options clientOptions; // null when the connection was given
    private final boolean owned;
    private final ScheduledThreadPoolExecutor worker;
    private final ConnectionListener listener = this::onConnectionEvent;
    private final AtomicLong generation = new AtomicLong();
    private final AtomicLong connectAttempts = new AtomicLong();
    private final AtomicLong clientErrors = new AtomicLong();
    private volatile Connection connection;
    private volatile Dispatcher dispatcher;
    private volatile boolean retried;

    /**
     * An adapter that opens, owns and closes its connection to the options' URI and the config's servers.
     *
     * @throws IllegalArgumentException if the URI is malformed or not nats/tls, or there is no server
     */
    public NatsSyncAdapter(SyncOptions options, NatsSyncConfig config) {
        super(NatsFailures.TYPE, options);
        this.config = Objects.requireNonNull(config, "config");
        List<String> servers = ClientOptions.servers(options, config);
        this.subject = options.key();
        this.where = ClientOptions.where(servers);
        this.owned = true;
        this.clientOptions = ClientOptions.builder(servers, config)
                .connectionListener(listener).errorListener(new ClientErrors(this)).build();
        this.worker = newWorker();
    }

    /** An adapter on a connection the application owns: never closed here. */
    public NatsSyncAdapter(Connection connection, SyncOptions options, NatsSyncConfig config) {
        super(NatsFailures.TYPE, options);
        this.config = Objects.requireNonNull(config, "config");
        this.subject = options.key();
        this.connection = Objects.requireNonNull(connection, "connection");
        this.where = describe(connection);
        this.owned = false;
        this.clientOptions = null;
        this.worker = newWorker();
    }

    private static ScheduledThreadPoolExecutor newWorker() {
        ScheduledThreadPoolExecutor w = new ScheduledThreadPoolExecutor(1, DaemonThreads.factory(NatsFailures.TYPE, "worker"));
        w.setRemoveOnCancelPolicy(true);
        return w;
    }

    private static String describe(Connection c) {
        try {
            String url = c.getConnectedUrl();
            return SyncOptions.redact(url != null ? url : String.valueOf(c.getServers()));
        } catch (RuntimeException e) {
            return "the given NATS connection";
        }
    }

    /** The servers, redacted, for messages. */
    String where() {
        return where;
    }

    // ---- start ---------------------------------------------------------------------------

    @Override
    protected void doStart() {
        if (owned) {
            run("connect", this::connectAttempt, Duration.ZERO);
            return;
        }
        Connection c = connection;
        c.addConnectionListener(listener);
        run("subscribe", () -> {
            subscribe(c);
            if (c.getStatus() == Connection.Status.CONNECTED) {
                resume(generation.get(), Duration.ZERO);
            } else {
                retried = true;
                disconnected(NatsFailures.of(Reason.UNREACHABLE, "the given NATS connection is " + c.getStatus(), null));
            }
        });
    }

    /**
     * Runs {@code task} on the worker after {@code delay}, with what it throws handed to the SPI
     * (the worker would keep it in a Future nobody reads); nothing once closed.
     */
    private void run(String what, Runnable task, Duration delay) {
        Runnable guarded = () -> {
            try {
                task.run();
            } catch (Throwable t) {
                unexpectedError(what, t);
            }
        };
        try {
            if (delay.isZero()) worker.execute(guarded);
            else worker.schedule(guarded, delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // closed meanwhile
        }
    }

    private void run(String what, Runnable task) {
        run(what, task, Duration.ZERO);
    }

    /** Logs and records; fails (and closes an owned connection) if retrying cannot fix it. */
    void unexpectedError(String what, Throwable t) {
        Reason reason = SyncFailures.isUnrecoverable(t) ? Reason.INCOMPATIBLE_CLASSPATH : Reason.INTERNAL;
        if (!unexpected(what, NatsFailures.of(reason, "nats sync: " + what + " failed: " + SyncFailures.describe(t), t))) return;
        generation.incrementAndGet(); // pending resumes give up
        worker.shutdown();
        Connection c = connection;
        if (owned && c != null) CompletableFuture.runAsync(() -> closeQuietly(c));
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
        subscribe(c);
        if (n > 1) LOG.info("nats sync: connected to {} after {} attempts", where, n);
        resume(generation.get(), retried ? config.resumeDelay() : Duration.ZERO);
    }

    /** Fails at once for what retrying cannot fix, else reports the attempt and schedules the next. */
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
                retried = true;
                if (!(e instanceof Exception)) unexpected("connect", NatsFailures.of(reason, "nats sync: connect failed: "
                        + SyncFailures.describe(e), e));
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
                run("connect", this::connectAttempt, retryDelay());
            }
        }
    }

    /** The client's own reconnection policy, for the first connection too: {@code reconnectWait} + jitter. */
    private Duration retryDelay() {
        long jitter = config.reconnectJitter().toMillis();
        return config.reconnectWait().plusMillis(jitter > 0 ? ThreadLocalRandom.current().nextLong(jitter + 1) : 0);
    }

    private void subscribe(Connection c) {
        if (dispatcher != null) return;
        Dispatcher d = c.createDispatcher(this::onMessage);
        d.subscribe(subject);
        dispatcher = d;
    }

    private void onMessage(Message m) {
        if (isClosed()) return;
        byte[] data = m.getData();
        deliver(data == null ? new byte[0] : data);
    }

    /**
     * After {@code delay}, confirms the subscription with a round trip and reports connected
     * (which sends the buffer). Abandoned when the connection dropped again meanwhile.
     */
    private void resume(long gen, Duration delay) {
        run("resume", () -> {
            if (isClosed() || generation.get() != gen) return;
            Connection c = connection;
            if (c == null || c.getStatus() != Connection.Status.CONNECTED) return; // RECONNECTED will come
            try {
                c.flush(config.connectionTimeout());
            } catch (Exception e) {
                if (e instanceof InterruptedException) Thread.currentThread().interrupt();
                recordError(NatsFailures.of(Reason.PROTOCOL, "NATS subscription not confirmed by " + where + ": "
                        + clean(String.valueOf(e.getMessage())), e));
                if (!isClosed() && generation.get() == gen) resume(gen, config.reconnectWait());
                return;
            }
            if (generation.get() != gen) return;
            connected();
            // the connection may have dropped between the check and connected(): report it again
            if (generation.get() != gen && c.getStatus() != Connection.Status.CONNECTED) {
                disconnected(NatsFailures.of(Reason.UNREACHABLE, "connection to NATS " + where + " lost while resuming", null));
            }
        }, delay);
    }

    // ---- publish -------------------------------------------------------------------------

    @Override
    protected CompletableFuture<Void> send(byte[] message) {
        Connection c = connection;
        if (c == null) return CompletableFuture.failedFuture(NatsFailures.of(Reason.UNREACHABLE, "nats sync: no connection", null));
        try {
            c.publish(subject, message);
            return CompletableFuture.completedFuture(null);
        } catch (Throwable e) {
            // the SPI logs it, and fails on a LinkageError; a closed connection is unreachable, a refused message a protocol error
            Reason reason = SyncFailures.isUnrecoverable(e) ? Reason.INCOMPATIBLE_CLASSPATH
                    : e instanceof IllegalStateException ? Reason.UNREACHABLE : Reason.PROTOCOL;
            return CompletableFuture.failedFuture(NatsFailures.of(reason, "nats sync: publish failed: "
                    + (reason == Reason.INCOMPATIBLE_CLASSPATH ? SyncFailures.describe(e) : clean(e.getMessage())), e));
        }
    }

    // ---- close ---------------------------------------------------------------------------

    @Override
    protected CompletableFuture<Void> doClose() {
        generation.incrementAndGet();
        worker.shutdownNow();
        Connection c = connection;
        Dispatcher d = dispatcher;
        if (c == null) return CompletableFuture.completedFuture(null);
        if (owned) return CompletableFuture.runAsync(() -> closeQuietly(c));
        c.removeConnectionListener(listener);
        if (d != null) {
            try {
                c.closeDispatcher(d);
            } catch (RuntimeException e) {
                LOG.debug("nats sync: closing the dispatcher failed", e);
            }
        }
        return CompletableFuture.completedFuture(null);
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
        Dispatcher d = dispatcher;
        m.put("slowConsumerDropped", d == null ? 0L : d.getDroppedCount());
        // (no client queue length here: the client takes a lock for it that reconnection holds)
        m.put("clientErrors", clientErrors.get());
        return m;
    }

    // ---- client callbacks ----------------------------------------------------------------

    private void onConnectionEvent(Connection conn, ConnectionListener.Events type) {
        try {
            onEvent(conn, type);
        } catch (Throwable t) {
            unexpectedError("connection listener (" + type + ")", t);
        }
    }

    private void onEvent(Connection conn, ConnectionListener.Events type) {
        if (isClosed() || conn != connection) return; // attempts that failed, or a stale connection
        if (type == ConnectionListener.Events.CONNECTED && owned) return; // the first connection is handled by connectAttempt
        switch (type) {
            case DISCONNECTED -> {
                generation.incrementAndGet();
                String last = conn.getLastError();
                disconnected(NatsFailures.of(Reason.UNREACHABLE, "connection to NATS " + where + " lost"
                        + (last == null || last.isEmpty() ? "" : ": " + clean(last)), null));
            }
            case CONNECTED, RECONNECTED -> {
                if (state() == SyncState.CONNECTED) return;
                if (type == ConnectionListener.Events.RECONNECTED) {
                    LOG.info("nats sync: reconnected to {}; resuming in {} ms", where, config.resumeDelay().toMillis());
                }
                resume(generation.incrementAndGet(),
                        type == ConnectionListener.Events.CONNECTED && !retried ? Duration.ZERO : config.resumeDelay());
            }
            case CLOSED -> {
                String last = conn.getLastError();
                failed(NatsFailures.of(owned ? Reason.UNREACHABLE : Reason.CLOSED, "NATS connection to " + where + " closed"
                        + (owned ? " after reconnection gave up (maxReconnects " + config.maxReconnects() + ")" : " by its owner")
                        + (last == null || last.isEmpty() ? "" : "; last error: " + clean(last)), null));
            }
            case LAME_DUCK -> LOG.info("nats sync: server {} entered lame duck mode; the client will move to another server", where);
            default -> { }
        }
    }

    /** Whether the adapter is closed (for {@link ClientErrors}). */
    boolean isStopped() {
        return isClosed();
    }

    /** Counts a client or server error (see {@link ClientErrors}). */
    long countClientError() {
        return clientErrors.incrementAndGet();
    }

    /** Records an error the client reported without changing the state. */
    void clientError(Throwable error) {
        recordError(error);
    }

    /** Hands an unrecoverable client error to the worker, off the client's own thread. */
    void unexpectedLater(Throwable error) {
        run("client", () -> unexpectedError("client", error));
    }
}
