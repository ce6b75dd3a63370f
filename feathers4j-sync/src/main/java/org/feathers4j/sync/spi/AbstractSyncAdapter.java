package org.feathers4j.sync.spi;

import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.feathers4j.sync.SyncException;
import org.feathers4j.sync.SyncOptions;
import org.feathers4j.SyncState;
import org.feathers4j.sync.spi.support.SyncFailures;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The common half of an adapter: state, ready future, last error, and the bounded buffer of
 * messages published while disconnected. A subclass connects in {@link #doStart()}, sends in
 * {@link #send(byte[])} (only called while connected, in publish order), and reports what happens
 * with {@link #connected()}, {@link #disconnected(Throwable)}, {@link #failed(Throwable)} and
 * {@link #deliver(byte[])}.
 *
 * <p>Failures: whatever a subclass's {@link #doStart()}, {@link #send(byte[])} or
 * {@link #doClose()} throws, and whatever the message handler throws, is caught here (any
 * {@link Throwable}), logged and counted; one that {@link SyncFailures#isUnrecoverable} calls
 * unrecoverable (a {@link LinkageError} in the cause chain) fails the adapter. A subclass routes
 * what escapes its own threads and callbacks to {@link #unexpected(String, Throwable)}. While the
 * adapter is not ready it logs a WARN every so often (see {@link SyncOptions#notReadyWarning(java.time.Duration)}).
 *
 * <p>Counters: {@code published} (taken by the broker), {@code publishErrors}, {@code buffered}
 * (currently waiting), {@code bufferDropped} (oldest dropped on overflow), {@code reconnects},
 * {@code unexpectedErrors} (throwables caught where none was expected, including the handler's).
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
    private final AtomicLong unexpectedErrors = new AtomicLong();
    private volatile SyncState state = SyncState.CONNECTING;
    private volatile Throwable lastError;
    private volatile boolean everConnected;
    private volatile boolean failing; // failed() was called; written under lock
    private volatile MessageHandler handler;
    private long notReadySince; // System.nanoTime() when it stopped being connected; guarded by lock
    private ScheduledFuture<?> notReadyCheck; // the pending not-ready warning; guarded by lock

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
        synchronized (lock) {
            notReadySince = System.nanoTime();
            watchNotReady();
        }
        try {
            doStart();
        } catch (Throwable e) {
            // doStart must not throw; whatever it threw (a missing class, a bad option) will throw again
            failed(e);
        }
    }

    @Override
    public final CompletableFuture<Void> publish(byte[] message) {
        synchronized (lock) {
            SyncState s = state;
            if (s == SyncState.CLOSED || s == SyncState.FAILED) {
                return CompletableFuture.failedFuture(new SyncException(type, SyncException.Reason.CLOSED,
                        type + " sync adapter is " + s.name().toLowerCase(java.util.Locale.ROOT)
                                + (lastError == null ? "" : ": " + lastError.getMessage())));
            }
            if (s == SyncState.CONNECTED && buffer.isEmpty()) return sendCounted(message);
            CompletableFuture<Void> done = new CompletableFuture<>();
            if (options.bufferSize() == 0) {
                countDropped();
                done.completeExceptionally(new SyncException(type, SyncException.Reason.OVERFLOW,
                        type + " sync adapter is disconnected and bufferSize is 0"));
                return done;
            }
            if (buffer.size() >= options.bufferSize()) {
                Pending oldest = buffer.poll();
                countDropped();
                oldest.done().completeExceptionally(new SyncException(type, SyncException.Reason.OVERFLOW,
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
            if (f == null) throw new IllegalStateException(type + " sync adapter's send returned no future");
        } catch (Throwable e) {
            // send must not throw: a bug or a broken class path, not a broker error
            unexpectedLater("send", e);
            f = CompletableFuture.failedFuture(e);
        }
        return f.whenComplete((v, e) -> {
            if (e == null) {
                published.incrementAndGet();
                return;
            }
            publishErrors.incrementAndGet();
            lastError = e;
            Throwable cause = SyncFailures.unwrap(e);
            // an Error, not an exception, in a send future means the same as one thrown by send
            if (!(cause instanceof Exception) || SyncFailures.isUnrecoverable(cause)) unexpectedLater("publish", cause);
        });
    }

    /**
     * {@link #unexpected} on the shared watch thread: the caller may be a broker client's I/O
     * thread holding the client's locks, or hold this adapter's lock.
     */
    private void unexpectedLater(String what, Throwable cause) {
        SyncWatch.execute(() -> unexpected(what, cause));
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
            stopWatchingNotReady();
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
                notReadySince = System.nanoTime();
                watchNotReady();
                LOG.warn("{} sync: connection lost ({}); reconnecting, buffering up to {} messages", type,
                        cause == null ? "no cause given" : cause.getMessage(), options.bufferSize());
            }
        }
    }

    /**
     * Reports an error retrying cannot fix: fails ready and the buffered messages, stops syncing,
     * logs it at ERROR with the cause. Only the first call counts: once failed, the state and the
     * last error stay.
     */
    protected final void failed(Throwable cause) {
        synchronized (lock) {
            if (state == SyncState.CLOSED) return;
            if (failing) {
                LOG.debug("{} sync: already failed; also: {}", type, SyncFailures.describe(cause));
                return;
            }
            failing = true;
            lastError = cause;
        }
        // ready() first, outside the lock (it runs callbacks): whoever then sees FAILED finds ready() failed too
        ready.completeExceptionally(cause);
        int n;
        synchronized (lock) {
            if (state == SyncState.CLOSED) return;
            state = SyncState.FAILED;
            n = buffer.size();
            failBuffered(cause);
            stopWatchingNotReady();
        }
        LOG.error("{} sync failed and stopped: {}{}", type, SyncFailures.describe(cause),
                n > 0 ? " (" + n + " buffered message(s) not sent)" : "", cause);
    }

    /** Records an error without changing the state (e.g. one failed reconnection attempt). */
    protected final void recordError(Throwable cause) {
        lastError = cause;
    }

    /**
     * Handles a throwable that escaped where none was expected: a callback of the broker client, a
     * task on the adapter's executor, a future stage, a listener. It is counted
     * ({@code unexpectedErrors}) and recorded as the last error; if
     * {@link SyncFailures#isUnrecoverable} (a {@link LinkageError} in its cause chain) the adapter
     * {@link #failed fails}, which logs it at ERROR; otherwise it is logged at ERROR with its stack
     * trace (the first ten, then every hundredth) and the state is left to the adapter, which keeps
     * retrying. After {@link #close()} it is only logged at DEBUG. Never throws.
     *
     * @param what  what was running, for the log line, e.g. {@code "connect"} or {@code "health check"}
     * @param cause what it threw
     * @return {@code true} if the adapter is now {@link SyncState#FAILED} (the caller should then
     *         release what it holds and stop retrying), {@code false} if it may go on
     */
    protected final boolean unexpected(String what, Throwable cause) {
        try {
            if (state == SyncState.CLOSED) {
                LOG.debug("{} sync: {} threw after close", type, what, cause);
                return false;
            }
            unexpectedErrors.incrementAndGet();
            if (SyncFailures.isUnrecoverable(cause)) {
                failed(asSyncException(what, cause));
                return true;
            }
            lastError = asSyncException(what, cause);
            long n = unexpectedErrors.get();
            if (n <= 10 || n % 100 == 0) {
                LOG.error("{} sync: {} threw unexpectedly ({} so far); retrying: {}", type, what, n,
                        SyncFailures.describe(cause), cause);
            }
            return state == SyncState.FAILED;
        } catch (Throwable t) {
            return state == SyncState.FAILED; // logging itself failed; nothing better to do
        }
    }

    /**
     * What an adapter reports as its error: {@code cause} itself when it is a {@link SyncException},
     * else one wrapping it, with reason {@code INCOMPATIBLE_CLASSPATH} for an unrecoverable cause and
     * {@code INTERNAL} otherwise.
     *
     * @param what  what was running, e.g. {@code "connect"}
     * @param cause what it threw
     */
    protected final SyncException asSyncException(String what, Throwable cause) {
        if (cause instanceof SyncException e) return e;
        SyncException.Reason reason = SyncFailures.isUnrecoverable(cause)
                ? SyncException.Reason.INCOMPATIBLE_CLASSPATH : SyncException.Reason.INTERNAL;
        return new SyncException(type, reason, type + " sync: " + what + " failed: " + SyncFailures.describe(cause), cause);
    }

    /**
     * Hands a received message to sync; never throws. What the handler throws is logged and
     * counted, and fails the adapter if it is unrecoverable (see {@link #unexpected}).
     */
    protected final void deliver(byte[] message) {
        MessageHandler h = handler;
        if (h == null) return;
        try {
            h.onMessage(message);
        } catch (Throwable e) {
            LOG.error("{} sync: the message handler threw; message dropped", type, e);
            if (SyncFailures.isUnrecoverable(e)) unexpectedLater("message handler", e);
            else unexpectedErrors.incrementAndGet();
        }
    }

    /**
     * Reports messages this adapter knows it missed and cannot get back (see
     * {@link MessageHandler#onGap}); call it from the delivery thread, where the gap is. Never throws.
     */
    protected final void deliverGap(org.feathers4j.sync.SyncGap gap) {
        MessageHandler h = handler;
        if (h == null || gap == null) return;
        try {
            h.onGap(gap);
        } catch (Throwable e) {
            LOG.error("{} sync: the gap handler threw", type, e);
            if (SyncFailures.isUnrecoverable(e)) unexpectedLater("gap handler", e);
            else unexpectedErrors.incrementAndGet();
        }
    }

    // ---- not-ready warnings ------------------------------------------------------------------

    /** Schedules the next not-ready warning, unless one is pending or warnings are off. Under lock. */
    private void watchNotReady() {
        long after = options.notReadyWarning().toMillis();
        if (after <= 0 || notReadyCheck != null) return;
        notReadyCheck = SyncWatch.schedule(this::warnIfNotReady, after);
    }

    private void stopWatchingNotReady() {
        ScheduledFuture<?> f = notReadyCheck;
        notReadyCheck = null;
        if (f != null) f.cancel(false);
    }

    /** Watch thread: while still connecting or reconnecting, says so with the last error and the buffer, then again later. */
    private void warnIfNotReady() {
        SyncState s;
        int n;
        String elapsed;
        Throwable last;
        synchronized (lock) {
            notReadyCheck = null;
            s = state;
            if (s != SyncState.CONNECTING && s != SyncState.DISCONNECTED) return;
            n = buffer.size();
            last = lastError;
            elapsed = String.format(java.util.Locale.ROOT, "%.1f", (System.nanoTime() - notReadySince) / 1e9);
            long again = options.notReadyWarning().toMillis() * 3;
            if (again > 0) notReadyCheck = SyncWatch.schedule(this::warnIfNotReady, again);
        }
        LOG.warn("{} sync not ready for {} s ({}): {} event(s) buffered (bufferSize {}, {} dropped so far); last error: {}",
                type, elapsed, s.name().toLowerCase(java.util.Locale.ROOT), n, options.bufferSize(), bufferDropped.get(),
                last == null ? "none yet" : SyncFailures.describe(last));
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
        SyncState s = state;
        // failed() fails ready() before it sets FAILED (ready's callbacks run outside the lock):
        // whoever saw ready() fail must see FAILED too, and whoever sees FAILED finds ready() failed
        if (failing && s != SyncState.CLOSED && ready.isCompletedExceptionally()) return SyncState.FAILED;
        return s;
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
        c.put("unexpectedErrors", unexpectedErrors.get());
        return c;
    }

    @Override
    public final CompletableFuture<Void> close() {
        int n;
        synchronized (lock) {
            if (state == SyncState.CLOSED) return CompletableFuture.completedFuture(null);
            state = SyncState.CLOSED;
            n = buffer.size();
            failBuffered(new SyncException(type, SyncException.Reason.CLOSED, type + " sync adapter closed"));
            stopWatchingNotReady();
        }
        if (n > 0) LOG.warn("{} sync closed with {} buffered message(s) not sent", type, n);
        ready.completeExceptionally(new SyncException(type, SyncException.Reason.CLOSED,
                type + " sync adapter closed before it was ready"));
        try {
            CompletableFuture<Void> f = doClose();
            return f != null ? f : CompletableFuture.completedFuture(null);
        } catch (Throwable e) {
            unexpectedErrors.incrementAndGet();
            LOG.error("{} sync: closing failed: {}", type, SyncFailures.describe(e), e);
            return CompletableFuture.failedFuture(e);
        }
    }
}
