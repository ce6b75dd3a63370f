package org.feathers4j.sync.redis.internal;

import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.feathers4j.sync.SyncGap;
import org.feathers4j.sync.spi.support.DaemonThreads;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hand-off from the stream reader to the delivery thread, which passes entries and gaps to sync in stream
 * order. Unlike pub/sub mode's {@code DeliveryQueue} it never drops: the stream keeps what was not read yet, so
 * when the queue is full ({@code deliveryQueueSize} entries or {@code deliveryQueueBytes}) the reader waits
 * instead of reading more. Gaps travel in the same queue, so the application sees one where it happened. The
 * delivery thread remembers the id and position of the last entry it delivered: that is the cursor.
 */
final class StreamDelivery {

    private static final Logger LOG = LoggerFactory.getLogger(StreamDelivery.class);

    /** An entry ({@code gap == null}) or a gap, with the stream position after it. */
    record Item(byte[] message, SyncGap gap, String id, long position) {
    }

    /** Where the last delivered item left the stream: entry id and entries-added position. */
    record Position(String id, long position) {
    }

    private final RedisStreamsAdapter adapter;
    private final int maxItems;
    private final long maxBytes;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notEmpty = lock.newCondition();
    private final Condition notFull = lock.newCondition();
    private final ArrayDeque<Item> queue = new ArrayDeque<>();
    private final Thread thread;
    private long bytes; // guarded by lock
    private int peak; // guarded by lock
    private boolean closing; // guarded by lock
    private volatile Position delivered;

    StreamDelivery(RedisStreamsAdapter adapter, int maxItems, long maxBytes, Position start) {
        this.adapter = adapter;
        this.maxItems = Math.max(1, maxItems);
        this.maxBytes = Math.max(1, maxBytes);
        this.delivered = start;
        this.thread = DaemonThreads.factory(RedisSyncAdapter.TYPE, "stream-delivery").newThread(this::run);
    }

    void start() {
        thread.start();
    }

    /** How many more entries fit now (at least 0). */
    int room() {
        lock.lock();
        try {
            return bytes >= maxBytes ? 0 : maxItems - queue.size();
        } finally {
            lock.unlock();
        }
    }

    /** Waits up to {@code millis} for room. */
    void awaitRoom(long millis) throws InterruptedException {
        lock.lock();
        try {
            long nanos = TimeUnit.MILLISECONDS.toNanos(millis);
            while (!closing && (queue.size() >= maxItems || bytes >= maxBytes) && nanos > 0) nanos = notFull.awaitNanos(nanos);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Queues an item; never drops and never waits: the reader asks for {@link #room()} before it reads, so the
     * bound is overshot by at most one read's bytes.
     */
    void add(Item item) {
        lock.lock();
        try {
            if (closing) return;
            queue.add(item);
            if (item.message() != null) bytes += item.message().length;
            if (queue.size() > peak) peak = queue.size();
            notEmpty.signal();
        } finally {
            lock.unlock();
        }
    }

    /** Sets where delivery stands without delivering (a reset of the stream position before anything queued). */
    void positionAt(Position p) {
        delivered = p;
    }

    /** Stops: what is still queued is not delivered (the cursor stays at the last delivered entry). */
    void shutdown() {
        lock.lock();
        try {
            closing = true;
            queue.clear();
            bytes = 0;
            notEmpty.signalAll();
            notFull.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Waits up to {@code millis} for the delivery thread to end after {@link #shutdown()} (not from itself). */
    void awaitStopped(long millis) {
        if (Thread.currentThread() == thread || !thread.isAlive()) return;
        try {
            thread.join(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        while (true) {
            Item item;
            lock.lock();
            try {
                while (queue.isEmpty()) {
                    if (closing) return;
                    try {
                        notEmpty.await();
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                item = queue.poll();
                if (item.message() != null) bytes -= item.message().length;
                notFull.signal();
            } finally {
                lock.unlock();
            }
            try {
                if (item.gap() != null) adapter.handleGap(item.gap());
                else adapter.handle(item.message());
            } catch (Throwable e) {
                LOG.error("redis sync: delivering a stream entry threw; going on with the next", e);
            }
            delivered = new Position(item.id(), item.position());
        }
    }

    /** The last delivered entry's id and position (or the start position). */
    Position delivered() {
        return delivered;
    }

    int size() {
        lock.lock();
        try {
            return queue.size();
        } finally {
            lock.unlock();
        }
    }

    long bytes() {
        lock.lock();
        try {
            return bytes;
        } finally {
            lock.unlock();
        }
    }

    int peak() {
        lock.lock();
        try {
            return peak;
        } finally {
            lock.unlock();
        }
    }
}
