package org.feathers4j.sync.spi.support;

import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A bounded hand-off of received messages from a broker client's I/O thread to one delivery
 * thread, which passes them on in order; for adapters whose client has no bound of its own.
 *
 * <p>Overload policy: the queue holds at most {@code maxMessages} messages and {@code maxBytes}
 * bytes of message bodies. A message that would exceed either is dropped on arrival (the newest,
 * so what is queued keeps its order and no message waits behind more than the bound), counted
 * ({@link #dropped()}) and reported by a WARN at most every 10 seconds. A dropped message that
 * carried an event shows as a sequence gap on the receiving instance ({@code gaps}). So a flood
 * on the bus costs at most the bound in memory, and delays a real event by at most the time the
 * delivery thread takes to work through a full queue.
 *
 * <p>Thread-safe; {@link #offer} never blocks.
 */
public final class DeliveryQueue {

    private static final Logger LOG = LoggerFactory.getLogger(DeliveryQueue.class);
    private static final long WARN_EVERY_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final String type;
    private final int maxMessages;
    private final long maxBytes;
    private final Consumer<byte[]> sink;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notEmpty = lock.newCondition();
    private final ArrayDeque<byte[]> queue = new ArrayDeque<>();
    private final AtomicLong dropped = new AtomicLong();
    private final Thread thread;
    private long bytes;          // guarded by lock
    private int peak;            // guarded by lock
    private boolean waiting;     // the delivery thread waits for a message; guarded by lock
    private boolean closing;     // guarded by lock
    private long lastWarn;       // System.nanoTime() of the last WARN; guarded by lock
    private long droppedAtWarn;  // guarded by lock

    /**
     * Makes the queue and starts its delivery thread ({@code feathers4j-<type>-sync-delivery}).
     *
     * @param type        the adapter type, for the thread name and log lines
     * @param maxMessages the most messages held, at least 1
     * @param maxBytes    the most bytes of message bodies held, at least 1
     * @param sink        receives each message, in order, on the delivery thread; what it throws is
     *                    logged and the next message goes on
     */
    public DeliveryQueue(String type, int maxMessages, long maxBytes, Consumer<byte[]> sink) {
        this.type = Objects.requireNonNull(type, "type");
        SyncAssert.isTrue(maxMessages >= 1, () -> type + " sync: the delivery queue must hold at least 1 message, got " + maxMessages);
        SyncAssert.isTrue(maxBytes >= 1, () -> type + " sync: the delivery queue must hold at least 1 byte, got " + maxBytes);
        this.maxMessages = maxMessages;
        this.maxBytes = maxBytes;
        this.sink = Objects.requireNonNull(sink, "sink");
        this.thread = DaemonThreads.factory(type, "delivery").newThread(this::run);
        thread.start();
    }

    /** Queues a message and wakes the delivery thread; see {@link #offer(byte[], boolean)}. */
    public boolean offer(byte[] message) {
        return offer(message, true);
    }

    /**
     * Queues a message unless the queue is full or shut down; never blocks.
     *
     * @param message the message
     * @param wake    whether to wake the delivery thread now; {@code false} when the caller will
     *                call {@link #wake()} soon (e.g. at the end of a socket read), to wake it once for many
     * @return {@code false} if it was dropped (full, counted and logged; or shut down)
     */
    public boolean offer(byte[] message, boolean wake) {
        lock.lock();
        try {
            if (closing) return false;
            if (queue.size() >= maxMessages || bytes + message.length > maxBytes) {
                long n = dropped.incrementAndGet();
                long now = System.nanoTime();
                if (droppedAtWarn == 0 || now - lastWarn >= WARN_EVERY_NANOS) {
                    LOG.warn("{} sync: delivery queue full ({} messages, {} bytes; limits {} messages, {} bytes): "
                                    + "dropped {} received message(s) since the last warning, {} in all",
                            type, queue.size(), bytes, maxMessages, maxBytes, n - droppedAtWarn, n);
                    lastWarn = now;
                    droppedAtWarn = n;
                }
                return false;
            }
            queue.add(message);
            bytes += message.length;
            if (queue.size() > peak) peak = queue.size();
            if (wake && waiting) notEmpty.signal();
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Wakes the delivery thread if it waits and messages are queued. */
    public void wake() {
        lock.lock();
        try {
            if (waiting && !queue.isEmpty()) notEmpty.signal();
        } finally {
            lock.unlock();
        }
    }

    /** Stops taking messages; the delivery thread delivers what is queued, then ends. */
    public void shutdown() {
        lock.lock();
        try {
            closing = true;
            notEmpty.signal();
        } finally {
            lock.unlock();
        }
    }

    private void run() {
        while (true) {
            byte[] m;
            lock.lock();
            try {
                while (queue.isEmpty()) {
                    if (closing) return;
                    waiting = true;
                    try {
                        notEmpty.await();
                    } catch (InterruptedException e) {
                        return; // only an interrupt from outside: the JVM is going down
                    } finally {
                        waiting = false;
                    }
                }
                m = queue.poll();
                bytes -= m.length;
            } finally {
                lock.unlock();
            }
            try {
                sink.accept(m);
            } catch (Throwable e) {
                LOG.error("{} sync: delivering a received message threw; going on with the next", type, e);
            }
        }
    }

    /** Messages queued now. */
    public int size() {
        lock.lock();
        try {
            return queue.size();
        } finally {
            lock.unlock();
        }
    }

    /** Bytes of message bodies queued now. */
    public long bytes() {
        lock.lock();
        try {
            return bytes;
        } finally {
            lock.unlock();
        }
    }

    /** The most messages queued at once so far. */
    public int peak() {
        lock.lock();
        try {
            return peak;
        } finally {
            lock.unlock();
        }
    }

    /** Messages dropped because the queue was full. */
    public long dropped() {
        return dropped.get();
    }
}
