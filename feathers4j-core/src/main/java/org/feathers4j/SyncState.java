package org.feathers4j;

/** The connection state of sync, as {@link SyncStatus#state()} ({@code app.sync().state()}) reports it. */
public enum SyncState {
    /** Started, not yet connected (or still retrying the first connection). */
    CONNECTING,
    /** Connected and subscribed: events go out and come in. */
    CONNECTED,
    /** The connection was lost; the adapter is reconnecting and buffers what it must send. */
    DISCONNECTED,
    /** An error that retrying cannot fix (bad credentials, incompatible topology): not syncing. */
    FAILED,
    /** Closed by the application. */
    CLOSED
}
