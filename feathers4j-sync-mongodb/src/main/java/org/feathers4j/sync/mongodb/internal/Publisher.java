package org.feathers4j.sync.mongodb.internal;

import com.mongodb.MongoConnectionPoolClearedException;
import com.mongodb.MongoException;
import com.mongodb.MongoNodeIsRecoveringException;
import com.mongodb.MongoNotPrimaryException;
import com.mongodb.MongoSecurityException;
import com.mongodb.MongoSocketException;
import com.mongodb.MongoTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.feathers4j.sync.mongodb.MongoSyncConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The write side: one thread that takes the messages in publish order, allocates their seqs from
 * the counter in one step per batch and inserts them with one ordered {@code insertMany}, so a
 * burst costs two round trips per batch rather than per message. A batch that fails on a network
 * error is retried, with newly allocated seqs, until it is written or the adapter closes (a message
 * written twice because a reply was lost is dropped by sync's {@code (origin, seq)} check); any
 * other error fails the batch's futures.
 */
public final class Publisher implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(Publisher.class);
    private static final long MAX_BACKOFF_MS = 5_000;
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
    private long lastTrimmedSeq;
    private boolean prepared;

    /**
     * @param closed       whether the adapter was closed
     * @param disconnected called when a write fails on a network error (the adapter then buffers)
     * @param unexpected   called with what a write threw unexpectedly (an Error, a bug); the adapter
     *                     logs it and fails if retrying cannot fix it
     */
    public Publisher(EventStore store, MongoSyncConfig config, String key, BooleanSupplier closed,
                     Consumer<Throwable> disconnected, Consumer<Throwable> unexpected) {
        this.store = store;
        this.config = config;
        this.key = key;
        this.closed = closed;
        this.disconnected = disconnected;
        this.unexpected = unexpected;
    }

    /** Queues one message; the future completes once it is written. */
    public CompletableFuture<Void> submit(byte[] message) {
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
                for (Pending p : batch) p.done().completeExceptionally(e);
                unexpected.accept(e); // state and last error; a LinkageError fails the adapter
                if (org.feathers4j.sync.spi.support.SyncFailures.isUnrecoverable(e)) break;
            } finally {
                batch.clear();
            }
        }
        failQueued();
    }

    private void write(List<Pending> batch) {
        long backoff = config.retryInterval().toMillis();
        List<byte[]> messages = new ArrayList<>(batch.size());
        for (Pending p : batch) messages.add(p.message());
        int collisions = 0;
        while (true) {
            if (closed.getAsBoolean()) {
                fail(batch, new IllegalStateException("mongodb sync adapter closed before the message was written"));
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
                        throw new IllegalStateException("the seq counter of collection '" + config.collection()
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
            } catch (MongoSecurityException | EventStore.NotCappedException e) {
                fail(batch, e);
                return;
            } catch (RuntimeException e) {
                if (closed.getAsBoolean()) {
                    fail(batch, new IllegalStateException("mongodb sync adapter closed before the message was written", e));
                    return;
                }
                if (!isTransient(e)) {
                    LOG.error("mongodb sync: {} message(s) could not be written: {}", batch.size(), e.getMessage());
                    fail(batch, e);
                    return;
                }
                long n = retries.incrementAndGet();
                prepared = false;
                disconnected.accept(e);
                if (n <= 10 || n % 100 == 0) {
                    LOG.warn("mongodb sync: writing {} message(s) failed ({}); retrying in {} ms", batch.size(), e, backoff);
                }
                Pause.unlessClosed(backoff, closed);
                backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
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
    public void failQueued() {
        List<Pending> rest = new ArrayList<>();
        queue.drainTo(rest);
        fail(rest, new IllegalStateException("mongodb sync adapter closed before the message was written"));
    }

    /** Whether an error may pass by itself (network, election, pool cleared). */
    public static boolean isTransient(RuntimeException e) {
        if (e instanceof MongoSocketException || e instanceof MongoTimeoutException || e instanceof MongoNotPrimaryException
                || e instanceof MongoNodeIsRecoveringException || e instanceof MongoConnectionPoolClearedException) {
            return true;
        }
        return e instanceof MongoException m && (m.hasErrorLabel("RetryableWriteError") || m.hasErrorLabel("TransientTransactionError"));
    }

    /** Write attempts repeated after an error. */
    public long retries() {
        return retries.get();
    }

    /** Batches written. */
    public long batches() {
        return batches.get();
    }
}
