package org.feathers4j.sync.spi;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.feathers4j.SyncState;

/**
 * A broker adapter: moves opaque message bytes between instances. Sync serializes, deduplicates
 * and dispatches; the adapter only connects, publishes, subscribes and recovers.
 *
 * <p>Contract:
 * <ul>
 *   <li>{@link #start} connects and subscribes without blocking; it never throws for a broker
 *       that is unreachable, it retries.</li>
 *   <li>{@link #publish} never blocks the caller and keeps the order of calls. While
 *       disconnected it buffers up to {@code SyncOptions.bufferSize()} messages, dropping the
 *       oldest (counted) beyond that, and sends them in order once reconnected.</li>
 *   <li>Every message published by any instance on the same key, this one included, reaches the
 *       handler, in the order the broker delivers it; the handler is called from one thread at a
 *       time.</li>
 *   <li>No exception escapes to the application and no thread dies on a broker failure.</li>
 * </ul>
 * {@link AbstractSyncAdapter} implements the state, ready future, error and buffering parts.
 */
public interface SyncAdapter {

    /** The type, e.g. {@code "redis"}. */
    String type();

    /** Connects and subscribes; messages go to {@code handler}. Called once. */
    void start(MessageHandler handler);

    /**
     * Publishes one message. The future completes when the broker took it, and fails if it was
     * dropped (buffer overflow, adapter closed or failed).
     */
    CompletableFuture<Void> publish(byte[] message);

    /** Completes once the adapter can publish and receive; see {@code SyncStatus.ready()}. */
    CompletableFuture<Void> ready();

    /** The connection state. */
    SyncState state();

    /** The last connection or publish error, or {@code null}. */
    Throwable lastError();

    /** Adapter-specific counters, e.g. {@code bufferDropped}, {@code reconnects}. */
    Map<String, Long> counters();

    /** Closes connections this adapter opened (not ones it was given). */
    CompletableFuture<Void> close();

    /** Receives message bytes from the broker, and what the adapter knows it missed. */
    @FunctionalInterface
    interface MessageHandler {
        /** Handles one message; must not throw (sync's handler never does). */
        void onMessage(byte[] message);

        /**
         * Reports messages the adapter knows it missed and cannot get back (a durable mode that could
         * not resume where it stopped: retention exceeded, the broker lost its data, the consumer was
         * reset). Call it from the thread that delivers messages, in order with them, where the gap is.
         * Sync emits it to the application as {@link org.feathers4j.sync.Sync#SYNC_GAP}. Gaps in a
         * sender's sequence numbers need no report: sync finds those itself. Must not throw.
         */
        default void onGap(org.feathers4j.sync.SyncGap gap) {
        }
    }
}
