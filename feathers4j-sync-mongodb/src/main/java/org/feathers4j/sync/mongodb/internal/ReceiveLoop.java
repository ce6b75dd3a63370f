package org.feathers4j.sync.mongodb.internal;

import com.mongodb.CursorType;
import com.mongodb.MongoCommandException;
import com.mongodb.client.MongoChangeStreamCursor;
import com.mongodb.client.MongoCursor;
import com.mongodb.client.model.changestream.ChangeStreamDocument;
import com.mongodb.client.model.changestream.FullDocument;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.bson.BsonDocument;
import org.bson.Document;
import org.bson.types.Binary;
import org.feathers4j.sync.SyncException;
import org.feathers4j.sync.SyncGap;
import org.feathers4j.sync.SyncOptions;
import org.feathers4j.sync.SyncException.Reason;
import org.feathers4j.sync.mongodb.MongoSyncConfig;
import org.feathers4j.sync.spi.support.Backoff;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The receive side: one thread that reads the event collection with the configured mechanism,
 * hands payloads of its key to the adapter, and recovers from every error by starting again from
 * where it stopped (the last seq seen, or the change stream's resume token). It never lets an
 * exception end the thread; only {@link Host#isClosed()} or an error that retrying cannot fix
 * ({@link Host#failed}) ends it. After an error it waits {@code retryInterval}, then twice as long,
 * up to 5 s ({@link Backoff}). What it reports to its host is a {@link SyncException}.
 */
final class ReceiveLoop implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(ReceiveLoop.class);
    private static final long AWAIT_MS = 1_000;
    private static final int MISSING_QUERY_LIMIT = 1_000;
    /** Change stream errors meaning the resume token can no longer be used. */
    private static final java.util.Set<Integer> TOKEN_LOST = java.util.Set.of(260, 280, 286);

    /** What the loop needs from its adapter. */
    interface Host {
        /** Whether the adapter was closed. */
        boolean isClosed();

        /** A round trip to the server succeeded after the reader is in place: report connected if not yet. */
        void healthy();

        /** The connection is lost; the loop retries. */
        void disconnected(SyncException cause);

        /** An error retrying cannot fix: the loop ends. */
        void failed(SyncException cause);

        /** One received payload of this adapter's key. */
        void deliver(byte[] payload);

        /** Messages this reader knows it missed, at the place they were missed. */
        void gap(SyncGap gap);
    }

    private final EventStore store;
    private final MongoSyncConfig config;
    private final String key;
    private final Host host;
    private final SeqTracker tracker;
    private final Backoff backoff;
    private final SyncOptions.Resume resume;
    private final String positionId; // null: the instanceId is not fixed, no position is stored
    private final long positionEveryNanos;

    private final AtomicLong malformed = new AtomicLong();
    private final AtomicLong duplicates = new AtomicLong();
    private final AtomicLong stale = new AtomicLong();
    private final AtomicLong late = new AtomicLong();
    private final AtomicLong receiveErrors = new AtomicLong();
    private final AtomicLong cursorsRecreated = new AtomicLong();
    private final AtomicLong resumeTokensLost = new AtomicLong();
    private final AtomicLong retentionGaps = new AtomicLong();
    private final AtomicLong positionsSaved = new AtomicLong();
    private volatile long gapsGivenUp;
    private volatile long epochChanges;

    private boolean started; // the start point ("now") was fixed
    private BsonDocument resumeToken;
    private int resumeRefusals;
    private long epochCheckedAt;
    private boolean recovering;     // the reader starts again after an error
    private boolean positionLoaded; // the stored change stream token was looked at
    private long positionSavedAt;
    private EventStore.Position saved;

    /**
     * @param positionId where this reader's position is stored (the key and the fixed instanceId),
     *                   or {@code null} to store none
     */
    ReceiveLoop(EventStore store, MongoSyncConfig config, String key, Host host, SyncOptions.Resume resume, String positionId) {
        this.store = store;
        this.config = config;
        this.key = key;
        this.host = host;
        this.resume = resume;
        this.positionId = positionId;
        this.positionEveryNanos = config.positionInterval().toNanos();
        this.tracker = new SeqTracker(config.gapTimeout().toMillis(), System::nanoTime);
        this.backoff = Pause.afterErrors(config);
    }

    @Override
    public void run() {
        int errorsInARow = 0;
        boolean hadError = false;
        long preparedAt = 0;
        boolean prepared = false;
        while (!host.isClosed()) {
            try {
                // again after an error, and every few seconds of a tailable reader that finds nothing:
                // the collection may have been dropped (and must come back capped)
                if (!prepared || hadError || System.nanoTime() - preparedAt > 5_000_000_000L) {
                    store.prepare();
                    prepared = true;
                    preparedAt = System.nanoTime();
                }
                if (hadError) {
                    cursorsRecreated.incrementAndGet();
                    recovering = started;
                }
                switch (config.mechanism()) {
                    case TAILABLE -> tail();
                    case CHANGE_STREAM -> watch();
                    case POLLING -> poll();
                }
                errorsInARow = 0;
                hadError = false;
            } catch (MongoCommandException e) {
                if (host.isClosed()) break;
                if (e.getErrorCode() == MongoErrors.UNAUTHORIZED) { // the user lacks a role; retrying will not help
                    host.failed(MongoErrors.of(Reason.AUTHORIZATION, "mongodb sync: not authorized to read or set up collection '"
                            + config.collection() + "': " + e.getErrorMessage(), e));
                    return;
                }
                if (isUnsupported(e)) {
                    host.failed(MongoErrors.of(Reason.CONFIGURATION, "mongodb sync mechanism '" + config.mechanism().optionValue()
                            + "' is not supported by this server: " + e.getErrorMessage(), e));
                    return;
                }
                if (!onError(e)) return;
                hadError = true;
                sleep(backoff.delay(Math.min(++errorsInARow, 30)).toMillis());
            } catch (Throwable e) {
                if (host.isClosed()) break;
                SyncException failure = MongoErrors.toSyncException(e);
                // a missing class fails every time, refused credentials or a non-capped collection too: no point reading again
                if (!failure.isRetryable()) {
                    host.failed(failure);
                    return;
                }
                if (e instanceof Error err && !(err instanceof StackOverflowError)) {
                    LOG.error("mongodb sync receiver: unexpected error; receiving again shortly", e);
                }
                if (!onError(e)) return;
                hadError = true;
                sleep(backoff.delay(Math.min(++errorsInARow, 30)).toMillis());
            }
        }
        // closed: store where this run stopped, for the next run (resume=LAST)
        try {
            savePosition(true);
        } catch (RuntimeException e) {
            LOG.warn("mongodb sync: could not store the read position on close ({}); the next run with resume=LAST "
                    + "starts from the one stored before", e.toString());
        }
    }

    private static boolean isUnsupported(MongoCommandException e) {
        int code = e.getErrorCode();
        // 40573: $changeStream needs a replica set; 115: CommandNotSupported; 59: CommandNotFound
        return code == 40573 || code == 115 || code == 59;
    }

    /** Records an error; returns false when the loop must end (recreate is off). */
    private boolean onError(Throwable e) {
        long n = receiveErrors.incrementAndGet();
        if (!config.recreate() && started) {
            host.failed(MongoErrors.of(Reason.CONFIGURATION, "mongodb sync: the " + config.mechanism().optionValue()
                    + " reader failed and option 'recreate' is false: " + e.getMessage(), e));
            return false;
        }
        host.disconnected(MongoErrors.toSyncException(e));
        if (n <= 10 || n % 100 == 0) {
            LOG.warn("mongodb sync receiver: {} ({} error(s) so far); reading again from {}", e.toString(), n, where());
        }
        return true;
    }

    private String where() {
        return switch (config.mechanism()) {
            case CHANGE_STREAM -> resumeToken == null ? "now" : "the last resume token";
            default -> started ? "seq " + tracker.floor() + " (last seen " + tracker.high() + ")" : "now";
        };
    }

    // ---- tailable cursor ----------------------------------------------------------------

    private void tail() {
        if (!started) startPoint();
        else checkCounterEpoch();
        if (recovering) checkRetention("reading again after an error");
        // ask from the floor document itself (already delivered): while it is in the collection the
        // query matches something, so the cursor stays open instead of dying on "no match" at once
        long anchor = tracker.floor();
        String anchorEpoch = tracker.epoch();
        try (MongoCursor<Document> c = store.events().find(new Document(EventStore.ID, new Document("$gte", anchor)))
                .cursorType(CursorType.TailableAwait)
                .maxAwaitTime(AWAIT_MS, TimeUnit.MILLISECONDS)
                .batchSize(config.batchSize())
                .iterator()) {
            host.healthy();
            while (!host.isClosed()) {
                Document d = c.tryNext();
                if (d != null) {
                    if (!isAnchor(d, anchor, anchorEpoch)) handle(d);
                    savePosition(false);
                    continue;
                }
                host.healthy();
                expire();
                savePosition(false);
                if (c.getServerCursor() == null) {
                    // the server ended the cursor (nothing matched, e.g. an empty collection): wait, ask again
                    sleep(config.retryInterval().toMillis());
                    return;
                }
            }
        }
    }

    private static boolean isAnchor(Document d, long anchor, String epoch) {
        return d.get(EventStore.ID) instanceof Number n && n.longValue() == anchor
                && java.util.Objects.equals(d.get(EventStore.EPOCH), epoch);
    }

    // ---- polling ------------------------------------------------------------------------

    private void poll() {
        if (!started) startPoint();
        if (recovering) checkRetention("reading again after an error");
        host.healthy();
        while (!host.isClosed()) {
            // the seqs still missing and the new ones in one query, in seq order: a writer's seq 6 that
            // shows up late is then delivered before its seq 8 (two queries would deliver 8 first)
            Document fresh = new Document(EventStore.ID, new Document("$gt", tracker.high()));
            List<Long> missing = tracker.missing(MISSING_QUERY_LIMIT);
            Document query = missing.isEmpty() ? fresh
                    : new Document("$or", List.of(new Document(EventStore.ID, new Document("$in", missing)), fresh));
            List<Document> batch = store.events().find(query)
                    .sort(new Document(EventStore.ID, 1))
                    .limit(config.batchSize())
                    .into(new ArrayList<>());
            for (Document d : batch) handle(d);
            expire();
            savePosition(false);
            if (batch.isEmpty() && System.nanoTime() - epochCheckedAt > 1_000_000_000L) {
                checkCounterEpoch(); // at most once a second while idle
                epochCheckedAt = System.nanoTime();
            }
            host.healthy();
            if (batch.size() < config.batchSize()) sleep(config.retryInterval().toMillis());
        }
    }

    /** Readers only ask for seqs above their marks: notice a counter that was created anew. */
    private void checkCounterEpoch() {
        EventStore.CounterState c = store.counter();
        if (c.epoch() == null || c.epoch().equals(tracker.epoch()) || tracker.isRetired(c.epoch())) return;
        if (tracker.epoch() != null) {
            LOG.warn("mongodb sync: the counter of collection '{}' was created anew (the collection was reset?); "
                    + "reading its new documents from the start", config.collection());
            epochChanges++;
        }
        tracker.reset(c.epoch(), 0);
    }

    private void startAtNow() {
        EventStore.CounterState c = store.counter();
        tracker.reset(c.epoch(), c.seq());
        started = true;
    }

    /**
     * Where a tailable or polling reader starts: with {@code resume=LAST} and a stored position of
     * the current counter, there (then {@link #checkRetention}); otherwise at "now". A stored
     * position of another counter epoch (the collection was reset since) is a gap.
     */
    private void startPoint() {
        if (resume != SyncOptions.Resume.LAST || positionId == null) {
            startAtNow();
            return;
        }
        EventStore.Position p = store.position(positionId);
        EventStore.CounterState c = store.counter();
        if (p == null) {
            LOG.info("mongodb sync: resume=LAST, but no position is stored for '{}' (a first run?): reading new events",
                    positionId);
            startAtNow();
            return;
        }
        if (p.epoch() != null && !p.epoch().equals(c.epoch())) {
            startAtNow();
            String why = "collection '" + config.collection() + "' was reset (its counter created anew) since '" + positionId
                    + "' stopped: what was written before the reset and not read is lost; reading new events";
            LOG.warn("mongodb sync: resume=LAST, but {}", why);
            retentionGaps.incrementAndGet();
            host.gap(SyncGap.of(SyncGap.Reason.BROKER_DATA_LOST, SyncGap.UNKNOWN, why));
            return;
        }
        tracker.reset(c.epoch(), p.epoch() == null ? 0 : p.seq());
        started = true;
        LOG.info("mongodb sync: resume=LAST: reading after seq {} where '{}' stopped ({} written since)", tracker.floor(),
                positionId, Math.max(0, c.seq() - tracker.floor()));
        checkRetention("resuming where '" + positionId + "' stopped");
    }

    /**
     * Whether the collection still holds the documents right after the floor: if its oldest
     * document (of the current counter) is further on, a capped collection rolled over them, or
     * {@code max}/{@code ttl} trimmed them, and they are lost: a gap of that many seqs (of every key
     * sharing the collection: an upper bound for this key).
     */
    private void checkRetention(String when) {
        recovering = false;
        String epoch = tracker.epoch();
        if (epoch == null) return;
        long floor = tracker.floor();
        Long oldest = store.oldestSeq(epoch);
        if (oldest == null || oldest <= floor + 1) return;
        long lost = tracker.trimmedBelow(oldest);
        if (lost <= 0) return;
        retentionGaps.incrementAndGet();
        String why = "collection '" + config.collection() + "' no longer holds seqs " + (floor + 1) + ".." + (oldest - 1)
                + " (" + (config.mechanism() == MongoSyncConfig.Mechanism.TAILABLE ? "the capped collection rolled over them"
                : "trimmed by max or ttl") + ") when " + when + ": up to " + lost + " event(s) lost (every key sharing the collection)";
        LOG.warn("mongodb sync: {}", why);
        host.gap(SyncGap.of(SyncGap.Reason.RETENTION_EXCEEDED, lost, why));
    }

    /**
     * Stores where this reader is (for a later run with {@code resume=LAST}), at most every
     * {@code positionInterval} unless {@code now}, and only when it moved.
     */
    private void savePosition(boolean now) {
        if (positionId == null || !started) return;
        long t = System.nanoTime();
        if (!now && t - positionSavedAt < positionEveryNanos) return;
        positionSavedAt = t;
        EventStore.Position p = config.mechanism() == MongoSyncConfig.Mechanism.CHANGE_STREAM
                ? new EventStore.Position(null, 0, resumeToken)
                : new EventStore.Position(tracker.epoch(), tracker.floor(), null);
        if (p.equals(saved) || (p.token() == null && p.epoch() == null && config.mechanism() == MongoSyncConfig.Mechanism.CHANGE_STREAM)) {
            return;
        }
        store.savePosition(positionId, key, p);
        saved = p;
        positionsSaved.incrementAndGet();
    }

    private void expire() {
        int n = tracker.expireGaps();
        if (n > 0) {
            LOG.warn("mongodb sync: gave up waiting for {} event document(s) allocated but not written within {} "
                    + "(a writer failed between allocating and inserting, or the documents were trimmed)", n, config.gapTimeout());
        }
        gapsGivenUp = tracker.gapsGivenUp();
    }

    private void handle(Document d) {
        Object id = d.get(EventStore.ID);
        if (!(id instanceof Number seqNum)) {
            malformed(d, "its _id is not a number");
            return;
        }
        Object epoch = d.get(EventStore.EPOCH);
        SeqTracker.Verdict v = tracker.accept(epoch instanceof String s ? s : null, seqNum.longValue());
        epochChanges = tracker.epochChanges();
        switch (v) {
            case DUPLICATE -> {
                duplicates.incrementAndGet();
                return;
            }
            case STALE -> {
                stale.incrementAndGet();
                return;
            }
            case LATE -> late.incrementAndGet();
            case NEW -> { }
        }
        deliverIfOurs(d);
    }

    private void deliverIfOurs(Document d) {
        Object k = d.get(EventStore.KEY);
        if (k == null) {
            malformed(d, "it has no 'key'");
            return;
        }
        if (!key.equals(k)) return; // another sync key sharing the collection
        Object p = d.get(EventStore.PAYLOAD);
        if (p instanceof Binary b) host.deliver(b.getData());
        else malformed(d, p == null ? "it has no 'payload'" : "its 'payload' is a " + p.getClass().getSimpleName() + ", not binary");
    }

    private void malformed(Document d, String why) {
        long n = malformed.incrementAndGet();
        if (n <= 100 || n % 1000 == 0) {
            LOG.warn("mongodb sync: dropped a malformed document in '{}' because {} (_id {}); {} dropped so far",
                    config.collection(), why, d.get(EventStore.ID), n);
        }
    }

    // ---- change stream ------------------------------------------------------------------

    private void watch() {
        if (!positionLoaded && resume == SyncOptions.Resume.LAST && positionId != null && resumeToken == null) {
            EventStore.Position p = store.position(positionId);
            if (p != null && p.token() != null) {
                resumeToken = p.token();
                LOG.info("mongodb sync: resume=LAST: resuming the change stream where '{}' stopped", positionId);
            } else {
                LOG.info("mongodb sync: resume=LAST, but no resume token is stored for '{}' (a first run?): reading new events",
                        positionId);
            }
        }
        positionLoaded = true;
        var stream = store.events()
                .watch(List.of(new Document("$match", new Document("operationType", "insert"))))
                .fullDocument(FullDocument.DEFAULT)
                .maxAwaitTime(AWAIT_MS, TimeUnit.MILLISECONDS)
                .batchSize(config.batchSize());
        boolean resuming = resumeToken != null;
        if (resuming) stream = stream.resumeAfter(resumeToken);
        MongoChangeStreamCursor<ChangeStreamDocument<Document>> c;
        try {
            c = stream.cursor();
        } catch (MongoCommandException e) {
            // the server answered but refused to resume: a token it no longer knows (after three refusals
            // whatever the code, since compatible servers do not all use MongoDB's codes)
            if (resuming && (TOKEN_LOST.contains(e.getErrorCode()) || ++resumeRefusals >= 3)) {
                tokenLost(e);
                return; // start again from now
            }
            throw e;
        }
        resumeRefusals = 0;
        try (c) {
            started = true;
            if (resumeToken == null) resumeToken = c.getResumeToken();
            host.healthy();
            while (!host.isClosed()) {
                ChangeStreamDocument<Document> e = c.tryNext();
                BsonDocument t = c.getResumeToken();
                if (e == null) {
                    if (t != null) resumeToken = t;
                    host.healthy();
                    savePosition(false);
                    continue;
                }
                Document d = e.getFullDocument();
                if (d == null) malformed(new Document(), "the change event has no document");
                else deliverIfOurs(d);
                resumeToken = e.getResumeToken() != null ? e.getResumeToken() : t;
                savePosition(false);
            }
        }
    }

    private void tokenLost(MongoCommandException e) {
        resumeTokensLost.incrementAndGet();
        resumeToken = null;
        resumeRefusals = 0;
        String why = "the server cannot resume the change stream where this reader stopped (" + e.getErrorMessage()
                + "; its history no longer goes back that far): events written meanwhile are lost; reading from now on";
        LOG.warn("mongodb sync: {}", why);
        retentionGaps.incrementAndGet();
        host.gap(SyncGap.of(SyncGap.Reason.RETENTION_EXCEEDED, SyncGap.UNKNOWN, why));
    }

    // ---- misc ---------------------------------------------------------------------------

    private void sleep(long ms) {
        Pause.unlessClosed(ms, host::isClosed);
    }

    /** The receiver's counters. */
    void counters(Map<String, Long> out) {
        out.put("malformed", malformed.get());
        out.put("receiveDuplicates", duplicates.get());
        out.put("staleDocuments", stale.get());
        out.put("lateDocuments", late.get());
        out.put("gapsGivenUp", gapsGivenUp);
        out.put("receiveErrors", receiveErrors.get());
        out.put("readersRecreated", cursorsRecreated.get());
        out.put("resumeTokensLost", resumeTokensLost.get());
        out.put("retentionGaps", retentionGaps.get());
        out.put("positionsSaved", positionsSaved.get());
        out.put("collectionResets", epochChanges);
    }
}
