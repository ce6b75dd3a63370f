package org.feathers4j.sync.mongodb.internal;

import com.mongodb.MongoException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.feathers4j.sync.SyncException;
import org.feathers4j.sync.mongodb.MongoSyncConfig;
import org.feathers4j.sync.spi.support.Backoff;
import org.feathers4j.sync.spi.support.SyncFailures;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The write side: one thread that takes the messages in publish order, allocates their seqs from
 * the counter in one step per batch and inserts them with one ordered {@code insertMany}, so a
 * burst costs two round trips per batch rather than per message. A batch that fails on a network
 * error is retried, with newly allocated seqs, until it is written or the adapter closes (a message
 * written twice because a reply was lost is dropped by sync's {@code (origin, seq)} check), waiting
 * {@code retryInterval}, then twice as long, up to 5 s ({@link Backoff}); any other error fails the
 * batch's futures with a {@link SyncException}.
 */
final class Publisher implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(Publisher.class);
    private static final int MAX_BATCH = 500;
    /** Duplicate-key repairs of one batch before it is failed (a counter that cannot be moved on). */
    private static final int MAX_COLLISIONS = 100;

    private record Pending(byte[] message, CompletableFuture<Void> done) {
    }

    private final EventStore store;
    private final MongoSyncConfig config;
    private final String key;
    private final BooleanSupplier closed;
    private final Consumer<Throwable> disconnected;
    private final Consumer<Throwable> unexpected;
    private final LinkedBlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final AtomicLong retries = new AtomicLong();
    private final AtomicLong batches = new AtomicLong();
    private final Backoff backoff;
    private long lastTrimmedSeq;
    private boolean prepared;

    /**
     * @param closed       whether the adapter was closed
     * @param disconnected called when a write fails on a network error (the adapter then buffers)
     * @param unexpected   called with what a write threw unexpectedly (an Error, a bug); the adapter
     *                     logs it and fails if retrying cannot fix it
     */
    Publisher(EventStore store, MongoSyncConfig config, String key, BooleanSupplier closed,
              Consumer<Throwable> disconnected, Consumer<Throwable> unexpected) {
        this.store = store;
        this.config = config;
        this.key = key;
        this.closed = closed;
        this.disconnected = disconnected;
        this.unexpected = unexpected;
        this.backoff = Pause.afterErrors(config);
    }

    /** Queues one message; the future completes once it is written. */
    CompletableFuture<Void> submit(byte[] message) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        queue.add(new Pending(message, done));
        if (closed.getAsBoolean()) failQueued();
        return done;
    }

    @Override
    public void run() {
        List<Pending> batch = new ArrayList<>();
        while (!closed.getAsBoolean()) {
            try {
                Pending first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) continue;
                batch.add(first);
                queue.drainTo(batch, MAX_BATCH - 1);
                write(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (Throwable e) {
                LOG.error("mongodb sync: unexpected error while writing; {} message(s) failed", batch.size(), e);
                SyncException failure = MongoErrors.toSyncException(e);
                fail(batch, failure);
                unexpected.accept(failure); // state and last error; a LinkageError fails the adapter
                if (SyncFailures.isUnrecoverable(e)) break;
            } finally {
                batch.clear();
            }
        }
        failQueued();
    }

    private void write(List<Pending> batch) {
        int attempt = 0;
        List<byte[]> messages = new ArrayList<>(batch.size());
        for (Pending p : batch) messages.add(p.message());
        int collisions = 0;
        while (true) {
            if (closed.getAsBoolean()) {
                fail(batch, MongoErrors.closedBeforeWritten(null));
                return;
            }
            try {
                if (!prepared) {
                    // make the collection as the readers need it before writing into it: an insert
                    // into a missing collection would create a plain one where a capped one is needed
                    store.prepare();
                    prepared = true;
                }
                EventStore.Allocation last = store.allocate(messages.size());
                try {
                    store.insertMany(last, key, messages);
                } catch (MongoException e) {
                    if (!EventStore.isDuplicateKey(e)) throw e;
                    // the counter is behind the collection (it was dropped alone, or a server without
                    // atomic $inc handed one seq out twice): move it on and write what is left
                    // (the insert is ordered: what came before the failed document is written)
                    if (++collisions > MAX_COLLISIONS) {
                        throw MongoErrors.of(SyncException.Reason.INTERNAL, "the seq counter of collection '" + config.collection()
                                + "' keeps colliding with existing documents after " + MAX_COLLISIONS + " repairs", e);
                    }
                    int written = EventStore.writtenBefore(e);
                    messages = new ArrayList<>(messages.subList(written, messages.size()));
                    store.repairCounter();
                    retries.incrementAndGet();
                    continue;
                }
                batches.incrementAndGet();
                for (Pending p : batch) p.done().complete(null);
                trim(last.seq());
                return;
            } catch (RuntimeException e) {
                if (closed.getAsBoolean()) {
                    fail(batch, MongoErrors.closedBeforeWritten(e));
                    return;
                }
                SyncException failure = MongoErrors.toSyncException(e);
                if (!MongoErrors.isTransient(e)) {
                    // refused credentials or a non-capped collection go without saying: the reader fails the adapter
                    if (failure.reason() != SyncException.Reason.AUTHENTICATION
                            && failure.reason() != SyncException.Reason.CONFIGURATION) {
                        LOG.error("mongodb sync: {} message(s) could not be written: {}", batch.size(), e.getMessage());
                    }
                    fail(batch, failure);
                    return;
                }
                long n = retries.incrementAndGet();
                prepared = false;
                disconnected.accept(failure);
                long wait = backoff.delay(Math.min(++attempt, 30)).toMillis();
                if (n <= 10 || n % 100 == 0) {
                    LOG.warn("mongodb sync: writing {} message(s) failed ({}); retrying in {} ms", batch.size(), e, wait);
                }
                Pause.unlessClosed(wait, closed);
            }
        }
    }

    private void trim(long seq) {
        Long max = config.max();
        if (max == null || config.mechanism() == MongoSyncConfig.Mechanism.TAILABLE) return;
        long every = Math.max(1, Math.min(100, max / 10));
        if (seq - lastTrimmedSeq < every) return;
        lastTrimmedSeq = seq;
        try {
            store.trim(seq, max);
        } catch (RuntimeException e) {
            LOG.debug("mongodb sync: trimming the collection failed; next time", e);
        }
    }

    private static void fail(List<Pending> batch, Throwable e) {
        for (Pending p : batch) p.done().completeExceptionally(e);
    }

    /** Fails whatever is still queued (the adapter closed). */
    void failQueued() {
        List<Pending> rest = new ArrayList<>();
        queue.drainTo(rest);
        fail(rest, MongoErrors.closedBeforeWritten(null));
    }

    /** Write attempts repeated after an error. */
    long retries() {
        return retries.get();
    }

    /** Batches written. */
    long batches() {
        return batches.get();
    }
}
