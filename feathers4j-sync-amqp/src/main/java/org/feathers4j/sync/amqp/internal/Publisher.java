package org.feathers4j.sync.amqp.internal;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ConfirmListener;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.feathers4j.sync.spi.support.DaemonThreads;
import org.feathers4j.sync.spi.support.SyncFailures;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes from one thread of its own (the application never blocks on the broker), with
 * publisher confirms: a message counts as sent when the broker confirms it. While paused (a lost
 * connection, a broker alarm) messages wait; messages not confirmed when the connection dropped,
 * or nacked, are sent again, in their original order, before the ones that waited.
 */
final class Publisher {

    private static final Logger LOG = LoggerFactory.getLogger(Publisher.class);

    private record Entry(long order, byte[] bytes, CompletableFuture<Void> done) {
    }

    private final AmqpSyncAdapter adapter;
    private final String exchange;
    private final String routingKey;
    private final boolean confirms;
    private final AMQP.BasicProperties props;
    private final ExecutorService thread = Executors.newSingleThreadExecutor(DaemonThreads.factory(AmqpFailures.TYPE, "publisher"));
    private final AtomicLong order = new AtomicLong();
    // outstanding: sent, not yet confirmed, by channel sequence number; waiting (publisher thread only): by order
    private final ConcurrentSkipListMap<Long, Entry> outstanding = new ConcurrentSkipListMap<>();
    private final TreeMap<Long, Entry> waiting = new TreeMap<>();
    private final AtomicLong resent = new AtomicLong();
    private final AtomicLong nacked = new AtomicLong();
    private volatile Channel channel;
    private volatile boolean paused;

    /**
     * @param routingKey the instance's queue name (as feathers-sync; the fanout exchange ignores it)
     * @param persistent whether messages are persistent (delivery mode 2)
     */
    Publisher(AmqpSyncAdapter adapter, String exchange, String routingKey, boolean confirms, boolean persistent) {
        this.adapter = adapter;
        this.exchange = exchange;
        this.routingKey = routingKey;
        this.confirms = confirms;
        this.props = persistent ? new AMQP.BasicProperties.Builder().deliveryMode(2).build() : null;
    }

    /** Turns on confirms on a new publishing channel (before it is {@link #use used}). */
    void prepare(Channel pub) throws IOException {
        if (!confirms) return;
        pub.confirmSelect();
        pub.addConfirmListener(new Confirms());
    }

    /** Publishes on this channel from now on. */
    void use(Channel pub) {
        channel = pub;
    }

    /** Queues a message for the publisher thread; completes when confirmed (or sent, without confirms). */
    CompletableFuture<Void> send(byte[] message) {
        Entry e = new Entry(order.incrementAndGet(), message, new CompletableFuture<>());
        if (!execute("publish", () -> publish(e))) return CompletableFuture.failedFuture(AmqpFailures.closed());
        return e.done();
    }

    /** Holds messages back from now on; with {@code unconfirmedToo} also those sent and not yet confirmed. */
    void pause(boolean unconfirmedToo) {
        paused = true;
        if (unconfirmedToo) execute("pause", this::moveOutstandingToWaiting);
    }

    /** Whether messages are held back. */
    boolean paused() {
        return paused;
    }

    /**
     * On the publisher thread, if {@code still} holds then: publishes again, first what waited
     * (with {@code resendUnconfirmed} also what was sent and not confirmed).
     */
    void resume(BooleanSupplier still, boolean resendUnconfirmed) {
        execute("publisher resume", () -> {
            if (!still.getAsBoolean()) return;
            paused = false;
            if (resendUnconfirmed) moveOutstandingToWaiting();
            flushWaiting();
        });
    }

    /** Fails whatever was not confirmed with {@code cause} and stops the thread (the adapter failed). */
    void failAll(Throwable cause) {
        execute("fail", () -> {
            moveOutstandingToWaiting();
            for (Entry e : waiting.values()) e.done().completeExceptionally(cause);
            waiting.clear();
        });
        thread.shutdown();
    }

    /** Stops the thread (waiting up to 2 s) and fails what was not confirmed as closed. */
    void close() throws InterruptedException {
        thread.shutdown();
        thread.awaitTermination(2, TimeUnit.SECONDS);
        for (Entry e : outstanding.values()) e.done().completeExceptionally(AmqpFailures.closed());
        for (Entry e : waiting.values()) e.done().completeExceptionally(AmqpFailures.closed());
    }

    long unconfirmed() {
        return outstanding.size();
    }

    long resent() {
        return resent.get();
    }

    long nacked() {
        return nacked.get();
    }

    private boolean execute(String what, Runnable task) {
        try {
            thread.execute(() -> {
                try {
                    task.run();
                } catch (Throwable t) {
                    adapter.unexpectedError(what, t);
                }
            });
            return true;
        } catch (RejectedExecutionException closed) {
            return false;
        }
    }

    /** Publisher thread only. */
    private void publish(Entry e) {
        Channel ch = channel;
        if (paused || ch == null || !ch.isOpen()) {
            waiting.put(e.order(), e);
            return;
        }
        long seq = -1;
        try {
            if (confirms) {
                seq = ch.getNextPublishSeqNo();
                outstanding.put(seq, e);
            }
            ch.basicPublish(exchange, routingKey, props, e.bytes());
            if (!confirms) e.done().complete(null);
        } catch (Throwable ex) {
            if (seq >= 0) outstanding.remove(seq);
            if (SyncFailures.isUnrecoverable(ex)) {
                e.done().completeExceptionally(ex);
                adapter.unexpectedError("publish", ex);
                return;
            }
            waiting.put(e.order(), e);
            adapter.publishFailed(ex);
        }
    }

    /** Publisher thread only. */
    private void moveOutstandingToWaiting() {
        for (Entry e : outstanding.values()) waiting.put(e.order(), e);
        outstanding.clear();
    }

    /** Publisher thread only. */
    private void flushWaiting() {
        if (waiting.isEmpty()) return;
        List<Entry> all = new ArrayList<>(waiting.values());
        waiting.clear();
        int n = 0;
        for (Entry e : all) {
            if (e.done().isDone()) continue; // confirmed after all
            n++;
            publish(e);
        }
        resent.addAndGet(n);
        if (n > 0) LOG.info("amqp sync: sent {} message(s) held back while reconnecting (unconfirmed or in flight)", n);
    }

    private final class Confirms implements ConfirmListener {
        @Override
        public void handleAck(long seq, boolean multiple) {
            for (Entry e : take(seq, multiple)) e.done().complete(null);
        }

        @Override
        public void handleNack(long seq, boolean multiple) {
            List<Entry> again = take(seq, multiple);
            nacked.addAndGet(again.size());
            LOG.warn("amqp sync: the broker nacked {} message(s); sending them again", again.size());
            boolean queued = execute("resend after nack", () -> {
                for (Entry e : again) {
                    resent.incrementAndGet();
                    publish(e);
                }
            });
            if (!queued) for (Entry e : again) e.done().completeExceptionally(AmqpFailures.closed());
        }

        private List<Entry> take(long seq, boolean multiple) {
            List<Entry> out = new ArrayList<>();
            if (multiple) {
                ConcurrentNavigableMap<Long, Entry> head = outstanding.headMap(seq, true);
                out.addAll(head.values());
                head.clear();
            } else {
                Entry e = outstanding.remove(seq);
                if (e != null) out.add(e);
            }
            return out;
        }
    }
}
