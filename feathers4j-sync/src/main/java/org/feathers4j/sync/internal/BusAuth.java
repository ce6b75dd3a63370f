package org.feathers4j.sync.internal;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.feathers4j.SyncState;
import org.feathers4j.sync.SyncKeys;
import org.feathers4j.sync.spi.SyncAdapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The authenticated bus as the engine sees it: seals the bytes it publishes (single messages and
 * batch frames alike, as a whole) and opens the bytes it receives, dropping and counting what is
 * unsigned or does not verify. Logs at WARN at a bounded rate, never with content or keys.
 */
final class BusAuth {

    private static final Logger LOG = LoggerFactory.getLogger(SyncEngine.class);

    private final SyncKeys keys;
    private final AtomicLong unsigned = new AtomicLong();
    private final AtomicLong badSignature = new AtomicLong();

    BusAuth(SyncKeys keys) {
        this.keys = keys;
    }

    /** Bytes sealing adds: the serialized message must leave room for them within maxMessageBytes. */
    int overhead() {
        return keys.overhead();
    }

    byte[] seal(byte[] message) {
        return keys.seal(message);
    }

    /** The verified message inside {@code bytes}, or {@code null} when it was dropped (and counted). */
    byte[] open(byte[] bytes) {
        try {
            return keys.open(bytes);
        } catch (SyncKeys.Rejected r) {
            AtomicLong counter = r.unsigned() ? unsigned : badSignature;
            long n = counter.incrementAndGet();
            // a forger can send any number: the first ten, then one line per thousand
            if (n <= 10 || n % 1000 == 0) {
                LOG.warn("sync: dropped an incoming message ({} bytes) because it is {}; {} so far ({})",
                        bytes.length, r.getMessage(), n, r.unsigned() ? "unsigned" : "badSignature");
            }
            return null;
        }
    }

    void counters(Map<String, Long> c) {
        c.put("unsigned", unsigned.get());
        c.put("badSignature", badSignature.get());
    }

    /** The adapter, publishing sealed bytes (what the batcher uses, so a frame is sealed whole). */
    SyncAdapter sealing(SyncAdapter adapter) {
        return new SyncAdapter() {
            @Override
            public String type() {
                return adapter.type();
            }

            @Override
            public void start(MessageHandler handler) {
                adapter.start(handler);
            }

            @Override
            public CompletableFuture<Void> publish(byte[] message) {
                return adapter.publish(seal(message));
            }

            @Override
            public CompletableFuture<Void> ready() {
                return adapter.ready();
            }

            @Override
            public SyncState state() {
                return adapter.state();
            }

            @Override
            public Throwable lastError() {
                return adapter.lastError();
            }

            @Override
            public Map<String, Long> counters() {
                return adapter.counters();
            }

            @Override
            public CompletableFuture<Void> close() {
                return adapter.close();
            }
        };
    }
}
