package org.feathers4j.sync.nats.internal;

import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.PublishOptions;
import io.nats.client.api.PublishAck;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.feathers4j.sync.SyncException.Reason;
import org.feathers4j.sync.spi.support.SyncFailures;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * JetStream mode: publishes acknowledged by the server, in the order they were handed over.
 *
 * <p>Each message gets a message id ({@code Nats-Msg-Id}: this adapter's id, a dash, a counter), so
 * that the server stores it once however often it is sent within the stream's duplicate window.
 * Up to {@code publishWindow} messages are in flight at once; each one's future completes when the
 * server acknowledged it. When one fails or is not acknowledged within {@code publishTimeout}
 * (server gone, connection lost, stream missing), every message not yet acknowledged is sent
 * again, in the original order, after a short pause and once the connection is back; the server
 * drops the copies it already has. The first of them goes alone, and the rest only once it is
 * acknowledged: a server that refuses some publishes for a while (JetStream recovering after a
 * restart) would otherwise store later messages ahead of earlier ones. A refusal by the server that sending again cannot fix (an API
 * error, e.g. a message larger than the stream allows) fails that message's future only.
 *
 * <p>Thread-safe; never blocks the caller.
 */
final class JetStreamPublisher {

    private static final Logger LOG = LoggerFactory.getLogger(JetStreamPublisher.class);
    private static final long FIRST_RETRY_MS = 100;

    private final String subject;
    private final String stream;
    private final String idPrefix;
    private final int window;
    private final int maxWaiting;
    private final Duration timeout;
    private final Duration maxRetryWait;
    private final Supplier<JetStream> jetStream; // null while there is no connection
    private final RetryScheduler scheduler;
    private final Consumer<Throwable> onRetriableFailure;
    private final Object lock = new Object();
    private final ArrayDeque<Entry> sent = new ArrayDeque<>();    // in flight, in order; guarded by lock
    private final ArrayDeque<Entry> waiting = new ArrayDeque<>(); // not sent yet (or to send again), in order
    private final AtomicLong counter = new AtomicLong();
    private final AtomicLong acked = new AtomicLong();
    private final AtomicLong duplicates = new AtomicLong();
    private final AtomicLong resends = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private long epoch;              // bumped on each resend round; guarded by lock
    private boolean retryPending;    // a resend round is scheduled; guarded by lock
    private boolean probing;         // after a failure: one message at a time until one is acknowledged; guarded by lock
    private long retryWaitMs = FIRST_RETRY_MS;
    private boolean closed;

    /** Schedules a retry of the publisher; returns false if that is no longer possible (closed). */
    interface RetryScheduler {
        boolean schedule(Runnable task, long delayMs);
    }

    private static final class Entry {
        final String id;
        final byte[] body;
        final CompletableFuture<Void> done = new CompletableFuture<>();
        volatile boolean acked;

        Entry(String id, byte[] body) {
            this.id = id;
            this.body = body;
        }
    }

    JetStreamPublisher(String subject, String stream, String idPrefix, int window, int maxWaiting, Duration timeout,
                       Duration maxRetryWait, Supplier<JetStream> jetStream, RetryScheduler scheduler,
                       Consumer<Throwable> onRetriableFailure) {
        this.subject = Objects.requireNonNull(subject);
        this.stream = Objects.requireNonNull(stream);
        this.idPrefix = Objects.requireNonNull(idPrefix);
        this.window = window;
        this.maxWaiting = Math.max(1, maxWaiting);
        this.timeout = timeout;
        this.maxRetryWait = maxRetryWait;
        this.jetStream = jetStream;
        this.scheduler = scheduler;
        this.onRetriableFailure = onRetriableFailure;
    }

    /**
     * Queues a message; its future completes when the server acknowledged it. At most
     * {@code maxWaiting} (sync's {@code bufferSize}) wait to be sent: beyond, the oldest waiting
     * one is dropped and its future fails ({@code OVERFLOW}), as sync's own buffer does.
     */
    CompletableFuture<Void> publish(byte[] body) {
        Entry e = new Entry(idPrefix + "-" + counter.incrementAndGet(), body);
        Entry oldest = null;
        synchronized (lock) {
            if (closed) {
                e.done.completeExceptionally(NatsFailures.of(Reason.CLOSED, "nats sync: publisher closed", null));
                return e.done;
            }
            if (waiting.size() >= maxWaiting) {
                oldest = waiting.poll();
                oldest.acked = true; // settled
            }
            waiting.add(e);
            pump();
        }
        if (oldest != null) {
            long n = dropped.incrementAndGet();
            if (n == 1 || n % 1000 == 0) {
                LOG.warn("nats sync: JetStream publishes waiting for acknowledgements exceed {}: dropped the oldest ({} so far)",
                        maxWaiting, n);
            }
            oldest.done.completeExceptionally(NatsFailures.of(Reason.OVERFLOW, "nats sync: more than " + maxWaiting
                    + " publishes waiting for JetStream; dropped the oldest", null));
        }
        return e.done;
    }

    /** Sends what waits, within the window, unless a resend round is pending. Under lock. */
    private void pump() {
        if (retryPending || closed) return;
        while (!sent.isEmpty() && sent.peek().acked) sent.poll();
        JetStream js = null;
        // after a failure one message goes alone: should the server still refuse (its JetStream
        // recovering after a restart), the messages behind it are not stored ahead of it
        while (!waiting.isEmpty() && sent.size() < (probing ? 1 : window) && !retryPending) {
            Entry e = waiting.peek();
            if (e.acked) {
                waiting.poll();
                continue;
            }
            if (js == null) js = jetStream.get();
            if (js == null) {
                scheduleRetry(); // no connection yet
                return;
            }
            waiting.poll();
            sent.add(e);
            send(js, e, epoch);
        }
    }

    private void send(JetStream js, Entry e, long ep) {
        CompletableFuture<PublishAck> f;
        try {
            f = js.publishAsync(subject, e.body, PublishOptions.builder().messageId(e.id).expectedStream(stream).build());
        } catch (RuntimeException ex) {
            f = CompletableFuture.failedFuture(ex);
        }
        f.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).whenComplete((ack, err) -> onResult(e, ep, ack, err));
    }

    private void onResult(Entry e, long ep, PublishAck ack, Throwable err) {
        if (err == null) {
            if (ack.isDuplicate()) duplicates.incrementAndGet();
            boolean first;
            synchronized (lock) {
                first = !e.acked;
                e.acked = true;
                retryWaitMs = FIRST_RETRY_MS;
                probing = false;
                pump();
            }
            if (first) {
                acked.incrementAndGet();
                e.done.complete(null);
            }
            return;
        }
        Throwable cause = SyncFailures.unwrap(err);
        JetStreamApiException api = apiError(cause);
        if (api != null) {
            // the server refused this message: sending it again gives the same answer
            refused.incrementAndGet();
            synchronized (lock) {
                e.acked = true; // settled
                pump();
            }
            e.done.completeExceptionally(NatsFailures.of(Reason.PROTOCOL, "JetStream refused the message (stream " + stream
                    + "): " + NatsFailures.clean(api.getMessage()), api));
            return;
        }
        if (SyncFailures.isUnrecoverable(cause)) {
            e.done.completeExceptionally(cause);
            return;
        }
        synchronized (lock) {
            if (e.acked || ep != epoch || closed) return; // settled, or already part of a resend round
            epoch++;
            // everything not acknowledged goes again, in order, ahead of what waits
            List<Entry> again = new ArrayList<>();
            for (Entry s : sent) if (!s.acked) again.add(s);
            sent.clear();
            for (int i = again.size() - 1; i >= 0; i--) waiting.addFirst(again.get(i));
            resends.addAndGet(again.size());
            probing = true;
            scheduleRetry();
        }
        onRetriableFailure.accept(cause);
    }

    /** The server's refusal in the chain (the client wraps it in a RuntimeException), or null. */
    private static JetStreamApiException apiError(Throwable t) {
        for (int i = 0; t != null && i < 10; i++, t = t.getCause()) {
            if (t instanceof JetStreamApiException api) return api;
        }
        return null;
    }

    /** Under lock. */
    private void scheduleRetry() {
        if (retryPending || closed) return;
        retryPending = true;
        long delay = retryWaitMs;
        retryWaitMs = Math.min(retryWaitMs * 2, Math.max(FIRST_RETRY_MS, maxRetryWait.toMillis()));
        if (!scheduler.schedule(this::retry, delay)) retryPending = false;
    }

    private void retry() {
        synchronized (lock) {
            retryPending = false;
            pump();
        }
    }

    /** Publishes waiting or in flight (not yet acknowledged). */
    int pending() {
        synchronized (lock) {
            int n = 0;
            for (Entry e : sent) if (!e.acked) n++;
            for (Entry e : waiting) if (!e.acked) n++;
            return n;
        }
    }

    /** Sends again at once what waits (the connection is back). */
    void kick() {
        synchronized (lock) {
            retryWaitMs = FIRST_RETRY_MS;
            retryPending = false; // a scheduled retry finds nothing more to do
            pump();
        }
    }

    /**
     * The connection was lost: whatever is in flight may never be answered (the client does not
     * fail requests on a disconnection), so it all goes again, in order, ahead of anything
     * published later, as soon as the connection is back. The copies the server did store are
     * dropped by their message id.
     */
    void connectionLost() {
        synchronized (lock) {
            if (closed) return;
            epoch++;
            List<Entry> again = new ArrayList<>();
            for (Entry s : sent) if (!s.acked) again.add(s);
            sent.clear();
            for (int i = again.size() - 1; i >= 0; i--) waiting.addFirst(again.get(i));
            resends.addAndGet(again.size());
            probing = true;
            scheduleRetry();
        }
    }

    long acked() {
        return acked.get();
    }

    long duplicates() {
        return duplicates.get();
    }

    long resends() {
        return resends.get();
    }

    long refused() {
        return refused.get();
    }

    long dropped() {
        return dropped.get();
    }

    /** Fails what is not acknowledged yet. */
    void close() {
        List<Entry> open = new ArrayList<>();
        synchronized (lock) {
            closed = true;
            open.addAll(sent);
            open.addAll(waiting);
            sent.clear();
            waiting.clear();
        }
        int n = 0;
        for (Entry e : open) {
            if (e.done.completeExceptionally(NatsFailures.of(Reason.CLOSED, "nats sync closed before the server acknowledged "
                    + "the message", null))) n++;
        }
        if (n > 0) LOG.warn("nats sync: closed with {} publish(es) not acknowledged by JetStream", n);
    }
}
