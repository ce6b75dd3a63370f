package org.feathers4j;

import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * What the sync plugin tells about itself through {@link Application#sync()}: its type, when it
 * is ready, its connection state and last error, and its counters.
 */
public interface SyncStatus {

    /** The adapter type, e.g. {@code "redis"}, {@code "amqp"}, {@code "memory"}. */
    String type();

    /**
     * Completes when the adapter can publish and receive. Stays pending while the broker is
     * unreachable and being retried; fails with a clear cause on errors retrying cannot fix.
     */
    CompletableFuture<Void> ready();

    /** The connection state. */
    SyncState state();

    /**
     * This instance's id (sync's {@code instanceId} option), or {@code null} for a sync that does not
     * stamp its messages. On the wire, the {@code origin} of its messages is this id, {@code ~} and a
     * boot id drawn at each start, so a restarted instance starts a new sequence.
     */
    String instanceId();

    /** The last connection or publish error, or {@code null}. */
    Throwable lastError();

    /** Counters by name: sent, received, dropped, duplicates, gaps and adapter-specific ones. */
    Map<String, Long> counters();

    /** Stops syncing and releases the adapter's connections. */
    CompletableFuture<Void> close();
}
