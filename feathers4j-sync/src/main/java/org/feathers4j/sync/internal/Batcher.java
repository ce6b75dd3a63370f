package org.feathers4j.sync.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.feathers4j.SyncState;
import org.feathers4j.sync.spi.SyncAdapter;

/**
 * Coalesces outgoing messages while a publish is in flight: a message goes out at once, alone and
 * unframed, when nothing is in flight; what arrives meanwhile waits and leaves as one
 * {@link BatchFrame} when the publish in flight completes. There is no timer: at a low rate every
 * message goes out alone and at once, and under load the batches grow with the broker's round trip.
 *
 * <p>Memory stays bounded: a full batch ({@code maxBytes} or {@code maxMessages}) leaves at once,
 * and while the adapter is not connected messages go to it one by one, so that its bounded buffer
 * counts messages, not frames.
 *
 * <p>Order is kept: only one thread at a time hands messages to the adapter (whoever finds the
 * queue not being drained drains it), in the order they were offered; the adapter is never
 * called with the lock held, so its own locks and callbacks cannot deadlock with it.
 */
final class Batcher {

    /** Told, per publish, how many messages it carried and whether it failed. */
    interface Outcome {
        void completed(int messages, Throwable error);
    }

    private final SyncAdapter adapter;
    private final int maxBytes;
    private final int maxMessages;
    private final int maxInFlight;
    private final Outcome outcome;

    private final Object lock = new Object();
    private final ArrayDeque<byte[]> pending = new ArrayDeque<>();
    private int pendingBytes;
    private int inFlight;
    private boolean draining;

    Batcher(SyncAdapter adapter, int maxBytes, int maxMessages, int maxInFlight, Outcome outcome) {
        this.adapter = adapter;
        this.maxBytes = maxBytes;
        this.maxMessages = maxMessages;
        this.maxInFlight = maxInFlight;
        this.outcome = outcome;
    }

    /** Queues one serialized message and sends what may be sent now. */
    void offer(byte[] message) {
        synchronized (lock) {
            pending.add(message);
            pendingBytes += BatchFrame.PER_MESSAGE + message.length;
            if (draining || !sendable()) return;
            draining = true;
        }
        drain();
    }

    /** Messages waiting for the publish in flight. */
    int waiting() {
        synchronized (lock) {
            return pending.size();
        }
    }

    private void completed() {
        synchronized (lock) {
            inFlight--;
            if (draining || !sendable()) return;
            draining = true;
        }
        drain();
    }

    /** Under the lock. */
    private boolean sendable() {
        if (pending.isEmpty()) return false;
        return inFlight < maxInFlight || full() || adapter.state() != SyncState.CONNECTED;
    }

    /** Under the lock. */
    private boolean full() {
        return pending.size() >= maxMessages || BatchFrame.HEADER + pendingBytes >= maxBytes;
    }

    private void drain() {
        while (true) {
            byte[] out;
            int count;
            synchronized (lock) {
                if (!sendable()) {
                    draining = false;
                    return;
                }
                if (pending.size() == 1 || adapter.state() != SyncState.CONNECTED) {
                    out = take();
                    count = 1;
                } else {
                    List<byte[]> batch = new ArrayList<>(Math.min(pending.size(), maxMessages));
                    int size = BatchFrame.HEADER;
                    while (!pending.isEmpty() && batch.size() < maxMessages) {
                        byte[] next = pending.peek();
                        int add = BatchFrame.PER_MESSAGE + next.length;
                        if (!batch.isEmpty() && size + add > maxBytes) break;
                        batch.add(take());
                        size += add;
                    }
                    // a message too big to share a frame goes alone, as it is
                    out = batch.size() == 1 ? batch.get(0) : BatchFrame.encode(batch);
                    count = batch.size();
                }
                inFlight++;
            }
            CompletableFuture<Void> f;
            try {
                f = adapter.publish(out);
            } catch (RuntimeException e) {
                f = CompletableFuture.failedFuture(e);
            }
            int n = count;
            f.whenComplete((v, e) -> {
                try {
                    outcome.completed(n, e);
                } finally {
                    completed();
                }
            });
        }
    }

    /** Under the lock. */
    private byte[] take() {
        byte[] m = pending.poll();
        pendingBytes -= BatchFrame.PER_MESSAGE + m.length;
        return m;
    }
}
