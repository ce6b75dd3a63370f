package org.feathers4j.benchmarks.jmh;

import java.util.concurrent.CompletableFuture;
import org.feathers4j.sync.SyncOptions;
import org.feathers4j.sync.spi.AbstractSyncAdapter;

/** An adapter whose broker is a no-op: it isolates sync's own cost per event from any client's. */
public final class NoopSyncAdapter extends AbstractSyncAdapter {

    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

    private long bytes;

    /** A connected-on-start no-op adapter. */
    public NoopSyncAdapter(SyncOptions options) {
        super("noop", options);
    }

    @Override
    protected void doStart() {
        connected();
    }

    @Override
    protected CompletableFuture<Void> send(byte[] message) {
        bytes += message.length; // keeps the message alive up to here
        return DONE;
    }

    @Override
    protected CompletableFuture<Void> doClose() {
        return DONE;
    }

    /** Hands bytes to sync as if the broker had delivered them (the adapter-to-engine path). */
    public void receive(byte[] message) {
        deliver(message);
    }

    /** Bytes "sent" so far. */
    public long bytes() {
        return bytes;
    }
}
