package org.feathers4j.sync.nats.internal;

import io.nats.client.AuthenticationException;
import io.nats.client.Connection;
import io.nats.client.ConnectionListener;
import io.nats.client.Consumer;
import io.nats.client.Dispatcher;
import io.nats.client.ErrorListener;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Options;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.feathers4j.sync.SyncOptions;
import org.feathers4j.SyncState;
import org.feathers4j.sync.nats.NatsSyncConfig;
import org.feathers4j.sync.spi.AbstractSyncAdapter;
import org.feathers4j.sync.spi.support.SyncFailures;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The NATS adapter: one long-lived connection that publishes to and subscribes on the subject
 * {@code key}, payloads as they are (the JSON string Node feathers-sync sends, no headers).
 *
 * <p>Connecting: the first connection is made here, retried every {@code reconnectWait} (+ jitter)
 * while the servers are unreachable, and given up only on refused credentials or after
 * {@code maxReconnects} attempts. After that the client's own reconnection takes over; it
 * re-sends the subscription itself. Sync's buffer holds what is published while disconnected and
 * is sent {@code resumeDelay} after the reconnection, when the subscription has been confirmed
 * by a round trip to the server.
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
    private final ScheduledExecutorService worker;
    private final Listener listener = new Listener();
    private final AtomicLong generation = new AtomicLong();
    private final AtomicLong connectAttempts = new AtomicLong();
    private final AtomicLong clientErrors = new AtomicLong();
    private volatile Connection connection;
    private volatile Dispatcher dispatcher;
    private volatile boolean retried;

    /**
     * An adapter that opens, owns and closes its connection.
     *
     * @param options the sync options (key = subject, buffer size)
     * @param config  the NATS settings
     * @param builder client options prepared from the URI and settings; this adapter adds its
     *                listeners to it
     * @param where   the servers, redacted, for messages
     */
    public NatsSyncAdapter(SyncOptions options, NatsSyncConfig config, Options.Builder builder, String where) {
        super("nats", options);
        this.config = Objects.requireNonNull(config, "config");
        this.subject = options.key();
        this.where = where;
        this.owned = true;
        this.clientOptions = builder.connectionListener(listener).errorListener(new Errors()).build();
        this.worker = newWorker();
    }

    /** An adapter on a connection the application owns: never closed here. */
    public NatsSyncAdapter(SyncOptions options, NatsSyncConfig config, Connection connection) {
        super("nats", options);
        this.config = Objects.requireNonNull(config, "config");
        this.subject = options.key();
        this.connection = Objects.requireNonNull(connection, "connection");
        this.where = describe(connection);
        this.owned = false;
        this.clientOptions = null;
        this.worker = newWorker();
    }

    private static ScheduledExecutorService newWorker() {
        ScheduledThreadPoolExecutor w = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "feathers4j-nats-sync");
            t.setDaemon(true);
            return t;
        });
        w.setRemoveOnCancelPolicy(true);
        return w;
    }

    private static String describe(Connection c) {
        try {
            String url = c.getConnectedUrl();
            if (url == null) url = String.valueOf(c.getServers());
            return redact(url);
        } catch (RuntimeException e) {
            return "the given NATS connection";
        }
    }

    // ---- start ---------------------------------------------------------------------------

    @Override
    protected void doStart() {
        if (owned) {
            worker.execute(guarded("connect", this::connectAttempt));
        } else {
            Connection c = connection;
            c.addConnectionListener(listener);
            worker.execute(guarded("subscribe", () -> {
                subscribe(c);
                if (c.getStatus() == Connection.Status.CONNECTED) {
                    resume(generation.get(), Duration.ZERO);
                } else {
                    retried = true;
                    disconnected(new IOException("the given NATS connection is " + c.getStatus()));
                }
            }));
        }
    }

    /**
     * {@code task}, with what it throws handed to the SPI: the worker would keep it in a Future
     * nobody reads, the client's callback thread would only print it.
     */
    private Runnable guarded(String what, Runnable task) {
        return () -> {
            try {
                task.run();
            } catch (Throwable t) {
                unexpectedError(what, t);
            }
        };
    }

    /** Logs and records; fails (and closes an owned connection) if retrying cannot fix it. */
    private void unexpectedError(String what, Throwable t) {
        if (!unexpected(what, t)) return;
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
        } catch (AuthenticationException e) {
            failed(new IOException("NATS server " + where + " refused the credentials (" + clean(e.getMessage())
                    + "); check user/password, token or credentials. Not retrying."));
            return;
        } catch (IOException | RuntimeException e) {
            if (SyncFailures.isUnrecoverable(e)) {
                failed(new IOException("nats sync cannot connect to " + where + ": " + SyncFailures.describe(e)
                        + " (not retried: a class is missing or incompatible on the class path)", e));
                return;
            }
            retried = true;
            IOException cause = new IOException("NATS server " + where + " unreachable (attempt " + n + "): " + clean(e.getMessage()));
            disconnected(cause);
            if (config.maxReconnects() >= 0 && n > config.maxReconnects()) {
                failed(new IOException("gave up connecting to NATS " + where + " after " + n + " attempts (maxReconnects "
                        + config.maxReconnects() + "); last error: " + clean(e.getMessage())));
                return;
            }
            if (n == 1 || n % 30 == 0) {
                LOG.warn("nats sync: cannot connect to {} yet ({}); retrying every {} ms, publishes are buffered (attempt {})",
                        where, clean(e.getMessage()), config.reconnectWait().toMillis(), n);
            }
            scheduleRetry();
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        } catch (Throwable e) {
            // a missing class in the client (or its data port): fail at once on a LinkageError, else retry
            if (SyncFailures.isUnrecoverable(e)) {
                failed(new IOException("nats sync cannot connect to " + where + ": " + SyncFailures.describe(e)
                        + " (not retried: a class is missing or incompatible on the class path)", e));
                return;
            }
            retried = true;
            disconnected(e);
            unexpected("connect", e);
            scheduleRetry();
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

    private void scheduleRetry() {
        long wait = config.reconnectWait().toMillis();
        long jitter = config.reconnectJitter().toMillis();
        if (jitter > 0) wait += ThreadLocalRandom.current().nextLong(jitter + 1);
        try {
            worker.schedule(guarded("connect", this::connectAttempt), wait, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // closed meanwhile
        }
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
        Runnable task = () -> {
            if (isClosed() || generation.get() != gen) return;
            Connection c = connection;
            if (c == null || c.getStatus() != Connection.Status.CONNECTED) return; // RECONNECTED will come
            try {
                c.flush(config.connectionTimeout());
            } catch (Exception e) {
                if (e instanceof InterruptedException) Thread.currentThread().interrupt();
                recordError(new IOException("NATS subscription not confirmed by " + where + ": " + clean(String.valueOf(e.getMessage()))));
                if (!isClosed() && generation.get() == gen) resume(gen, config.reconnectWait());
                return;
            }
            if (generation.get() != gen) return;
            connected();
            // the connection may have dropped between the check and connected(): report it again
            if (generation.get() != gen && c.getStatus() != Connection.Status.CONNECTED) {
                disconnected(new IOException("connection to NATS " + where + " lost while resuming"));
            }
        };
        Runnable g = guarded("resume", task);
        try {
            if (delay.isZero()) worker.execute(g);
            else worker.schedule(g, delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // closed meanwhile
        }
    }

    // ---- publish -------------------------------------------------------------------------

    @Override
    protected CompletableFuture<Void> send(byte[] message) {
        Connection c = connection;
        if (c == null) return CompletableFuture.failedFuture(new IllegalStateException("nats sync: no connection"));
        try {
            c.publish(subject, message);
            return CompletableFuture.completedFuture(null);
        } catch (Error e) {
            return CompletableFuture.failedFuture(e); // the SPI logs it, and fails on a LinkageError
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(new IllegalStateException("nats sync: publish failed: " + clean(e.getMessage()), e));
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
        if (owned) {
            return CompletableFuture.runAsync(() -> closeQuietly(c));
        }
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

    /** Strips credentials from client messages, which may quote server URLs. */
    static String clean(String s) {
        if (s == null) return "no detail";
        return redact(s);
    }

    /**
     * A URL (or text quoting URLs) with credentials replaced by {@code ***}: the password of
     * {@code user:password@}, and a bare {@code token@}, which NATS takes as a token.
     */
    public static String redact(String s) {
        if (s == null) return null;
        return SyncOptions.redact(s).replaceAll("(://)[^:/@\\s,\\]\\[]+@", "$1***@");
    }

    // ---- client callbacks ----------------------------------------------------------------

    private final class Listener implements ConnectionListener {
        @Override
        public void connectionEvent(Connection conn, Events type) {
            try {
                onEvent(conn, type);
            } catch (Throwable t) {
                unexpectedError("connection listener (" + type + ")", t);
            }
        }

        private void onEvent(Connection conn, Events type) {
            if (isClosed() || conn != connection) return; // attempts that failed, or a stale connection
            if (type == Events.CONNECTED && owned) return; // the first connection is handled by connectAttempt
            switch (type) {
                case DISCONNECTED -> {
                    generation.incrementAndGet();
                    String last = conn.getLastError();
                    disconnected(new IOException("connection to NATS " + where + " lost"
                            + (last == null || last.isEmpty() ? "" : ": " + clean(last))));
                }
                case CONNECTED, RECONNECTED -> {
                    if (state() == SyncState.CONNECTED) return;
                    if (type == Events.RECONNECTED) LOG.info("nats sync: reconnected to {}; resuming in {} ms", where,
                            config.resumeDelay().toMillis());
                    resume(generation.incrementAndGet(), type == Events.CONNECTED && !retried ? Duration.ZERO : config.resumeDelay());
                }
                case CLOSED -> {
                    String last = conn.getLastError();
                    failed(new IOException("NATS connection to " + where + " closed"
                            + (owned ? " after reconnection gave up (maxReconnects " + config.maxReconnects() + ")" : " by its owner")
                            + (last == null || last.isEmpty() ? "" : "; last error: " + clean(last))));
                }
                case LAME_DUCK -> LOG.info("nats sync: server {} entered lame duck mode; the client will move to another server", where);
                default -> { }
            }
        }
    }

    private final class Errors implements ErrorListener {
        @Override
        public void errorOccurred(Connection conn, String error) {
            clientErrors.incrementAndGet();
            String e = clean(error);
            recordError(new IOException("NATS server error: " + e));
            if (!isClosed()) LOG.warn("nats sync: server {} reported an error: {}", where, e);
        }

        @Override
        public void exceptionOccurred(Connection conn, Exception exp) {
            clientErrors.incrementAndGet();
            if (SyncFailures.isUnrecoverable(exp)) {
                // e.g. a message handler or the reader met a missing class: on the worker, not the client's thread
                try {
                    worker.execute(() -> unexpectedError("client", exp));
                } catch (java.util.concurrent.RejectedExecutionException closed) {
                    // closed meanwhile
                }
                return;
            }
            recordError(new IOException("NATS client: " + clean(exp.getMessage())));
            if (!isClosed()) LOG.debug("nats sync: client exception on {}: {}", where, clean(exp.getMessage()));
        }

        @Override
        public void slowConsumerDetected(Connection conn, Consumer consumer) {
            LOG.warn("nats sync: slow consumer on {}: the client's pending limit was reached and messages were dropped "
                    + "({} so far)", where, consumer.getDroppedCount());
        }
    }
}
