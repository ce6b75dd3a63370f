package org.feathers4j.sync.spi;

import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.feathers4j.sync.SyncOptions;
import org.feathers4j.sync.SyncState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The common half of an adapter: state, ready future, last error, and the bounded buffer of
 * messages published while disconnected. A subclass connects in {@link #doStart()}, sends in
 * {@link #send(byte[])} (only called while connected, in publish order), and reports what happens
 * with {@link #connected()}, {@link #disconnected(Throwable)}, {@link #failed(Throwable)} and
 * {@link #deliver(byte[])}.
 *
 * <p>Counters: {@code published} (taken by the broker), {@code publishErrors}, {@code buffered}
 * (currently waiting), {@code bufferDropped} (oldest dropped on overflow), {@code reconnects}.
 */
public abstract class AbstractSyncAdapter implements SyncAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(AbstractSyncAdapter.class);

    /** The options the adapter was made with. */
    protected final SyncOptions options;
    private final String type;
    private final Object lock = new Object();
    private final ArrayDeque<Pending> buffer = new ArrayDeque<>();
    private final CompletableFuture<Void> ready = new CompletableFuture<>();
    private final AtomicLong published = new AtomicLong();
    private final AtomicLong publishErrors = new AtomicLong();
    private final AtomicLong bufferDropped = new AtomicLong();
    private final AtomicLong reconnects = new AtomicLong();
    private volatile SyncState state = SyncState.CONNECTING;
    private volatile Throwable lastError;
    private volatile boolean everConnected;
    private volatile MessageHandler handler;

    private record Pending(byte[] message, CompletableFuture<Void> done) {
    }

    /**
     * @param type    the adapter type, e.g. {@code "redis"}
     * @param options the sync options (buffer size, key, adapter options)
     */
    protected AbstractSyncAdapter(String type, SyncOptions options) {
        this.type = Objects.requireNonNull(type, "type");
        this.options = Objects.requireNonNull(options, "options");
    }

    /** Starts connecting; must not block or throw for an unreachable broker. */
    protected abstract void doStart();

    /** Sends one message while connected; calls come in publish order. */
    protected abstract CompletableFuture<Void> send(byte[] message);

    /** Releases connections; called once by {@link #close()}. */
    protected abstract CompletableFuture<Void> doClose();

    @Override
    public final String type() {
        return type;
    }

    @Override
    public final void start(MessageHandler handler) {
        if (this.handler != null) throw new IllegalStateException(type + " sync adapter already started");
        this.handler = Objects.requireNonNull(handler, "handler");
        try {
            doStart();
        } catch (RuntimeException e) {
            failed(e);
        }
    }

    @Override
    public final CompletableFuture<Void> publish(byte[] message) {
        synchronized (lock) {
            SyncState s = state;
            if (s == SyncState.CLOSED || s == SyncState.FAILED) {
                return CompletableFuture.failedFuture(new IllegalStateException(
                        type + " sync adapter is " + s.name().toLowerCase(java.util.Locale.ROOT)
                                + (lastError == null ? "" : ": " + lastError.getMessage())));
            }
            if (s == SyncState.CONNECTED && buffer.isEmpty()) return sendCounted(message);
            CompletableFuture<Void> done = new CompletableFuture<>();
            if (options.bufferSize() == 0) {
                countDropped();
                done.completeExceptionally(new IllegalStateException(type + " sync adapter is disconnected and bufferSize is 0"));
                return done;
            }
            if (buffer.size() >= options.bufferSize()) {
                Pending oldest = buffer.poll();
                countDropped();
                oldest.done().completeExceptionally(new IllegalStateException(
                        type + " sync buffer overflow: dropped the oldest of " + options.bufferSize() + " buffered messages"));
            }
            buffer.add(new Pending(message, done));
            return done;
        }
    }

    private void countDropped() {
        long n = bufferDropped.incrementAndGet();
        if (n == 1 || n % 1000 == 0) {
            LOG.warn("{} sync: broker unreachable and buffer full ({} messages): {} oldest message(s) dropped so far",
                    type, options.bufferSize(), n);
        }
    }

    private CompletableFuture<Void> sendCounted(byte[] message) {
        CompletableFuture<Void> f;
        try {
            f = send(message);
        } catch (RuntimeException e) {
            f = CompletableFuture.failedFuture(e);
        }
        return f.whenComplete((v, e) -> {
            if (e == null) {
                published.incrementAndGet();
            } else {
                publishErrors.incrementAndGet();
                lastError = e;
            }
        });
    }

    /** Reports that the adapter is connected and subscribed: flushes the buffer in order, completes ready. */
    protected final void connected() {
        synchronized (lock) {
            if (state == SyncState.CLOSED || state == SyncState.FAILED) return;
            if (everConnected && state != SyncState.CONNECTED) reconnects.incrementAndGet();
            state = SyncState.CONNECTED;
            int n = buffer.size();
            while (!buffer.isEmpty()) {
                Pending p = buffer.poll();
                sendCounted(p.message()).whenComplete((v, e) -> {
                    if (e == null) p.done().complete(null); else p.done().completeExceptionally(e);
                });
            }
            if (n > 0) LOG.info("{} sync: connected, sent {} buffered message(s)", type, n);
            else if (everConnected) LOG.info("{} sync: reconnected", type);
            everConnected = true;
        }
        ready.complete(null);
    }

    /** Reports a lost or failed connection that the adapter is retrying; publishes are buffered meanwhile. */
    protected final void disconnected(Throwable cause) {
        synchronized (lock) {
            if (state == SyncState.CLOSED || state == SyncState.FAILED) return;
            if (cause != null) lastError = cause;
            SyncState before = state;
            state = everConnected ? SyncState.DISCONNECTED : SyncState.CONNECTING;
            if (before == SyncState.CONNECTED) {
                LOG.warn("{} sync: connection lost ({}); reconnecting, buffering up to {} messages", type,
                        cause == null ? "no cause given" : cause.getMessage(), options.bufferSize());
            }
        }
    }

    /** Reports an error retrying cannot fix: fails ready and the buffered messages, stops syncing. */
    protected final void failed(Throwable cause) {
        int n;
        synchronized (lock) {
            if (state == SyncState.CLOSED) return;
            state = SyncState.FAILED;
            lastError = cause;
            n = buffer.size();
            failBuffered(cause);
        }
        LOG.error("{} sync failed and stopped: {}{}", type, cause.getMessage(),
                n > 0 ? " (" + n + " buffered message(s) not sent)" : "", cause);
        ready.completeExceptionally(cause);
    }

    /** Records an error without changing the state (e.g. one failed reconnection attempt). */
    protected final void recordError(Throwable cause) {
        lastError = cause;
    }

    /** Hands a received message to sync; never throws. */
    protected final void deliver(byte[] message) {
        MessageHandler h = handler;
        if (h == null) return;
        try {
            h.onMessage(message);
        } catch (RuntimeException e) {
            LOG.error("{} sync: the message handler threw; message dropped", type, e);
        }
    }

    private void failBuffered(Throwable cause) {
        while (!buffer.isEmpty()) buffer.poll().done().completeExceptionally(cause);
    }

    @Override
    public final CompletableFuture<Void> ready() {
        return ready;
    }

    @Override
    public final SyncState state() {
        return state;
    }

    @Override
    public final Throwable lastError() {
        return lastError;
    }

    /** Whether {@link #close()} was called. */
    protected final boolean isClosed() {
        return state == SyncState.CLOSED;
    }

    @Override
    public Map<String, Long> counters() {
        Map<String, Long> c = new LinkedHashMap<>();
        c.put("published", published.get());
        c.put("publishErrors", publishErrors.get());
        synchronized (lock) {
            c.put("buffered", (long) buffer.size());
        }
        c.put("bufferDropped", bufferDropped.get());
        c.put("reconnects", reconnects.get());
        return c;
    }

    @Override
    public final CompletableFuture<Void> close() {
        int n;
        synchronized (lock) {
            if (state == SyncState.CLOSED) return CompletableFuture.completedFuture(null);
            state = SyncState.CLOSED;
            n = buffer.size();
            failBuffered(new IllegalStateException(type + " sync adapter closed"));
        }
        if (n > 0) LOG.warn("{} sync closed with {} buffered message(s) not sent", type, n);
        ready.completeExceptionally(new IllegalStateException(type + " sync adapter closed before it was ready"));
        try {
            return doClose();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }
}
