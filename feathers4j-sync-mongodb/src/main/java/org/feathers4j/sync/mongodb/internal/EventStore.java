package org.feathers4j.sync.mongodb.internal;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoBulkWriteException;
import com.mongodb.MongoCommandException;
import com.mongodb.MongoNodeIsRecoveringException;
import com.mongodb.MongoNotPrimaryException;
import com.mongodb.MongoWriteException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.CreateCollectionOptions;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.InsertManyOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.ReturnDocument;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import com.mongodb.client.model.ReplaceOptions;
import org.bson.BsonDocument;
import org.bson.BsonDateTime;
import org.bson.BsonInt64;
import org.bson.BsonString;
import org.bson.Document;
import org.bson.types.Binary;
import org.feathers4j.sync.SyncException;
import org.feathers4j.sync.SyncException.Reason;
import org.feathers4j.sync.mongodb.MongoSyncConfig;

/**
 * The event collection and its counter. An event document is
 * {@code {_id: <seq, long>, epoch: <counter epoch>, key: <sync key>, at: <date>, payload: <binary>}};
 * the counter document in {@code <collection>.seq} is {@code {_id: <collection>, seq, epoch}}.
 */
final class EventStore {

    /** Field names of an event document. */
    static final String ID = "_id", EPOCH = "epoch", KEY = "key", AT = "at", PAYLOAD = "payload";

    private static final int NAMESPACE_EXISTS = 48;

    private final MongoDatabase db;
    private final MongoSyncConfig config;
    private final MongoCollection<Document> events;
    private final MongoCollection<Document> counters;
    private final MongoCollection<BsonDocument> positions;

    /** The last of the seqs allocated from the counter in one step, with the counter's epoch. */
    record Allocation(long seq, String epoch) {
    }

    /** The counter as it stands, or {@code null} fields when it does not exist yet. */
    record CounterState(long seq, String epoch) {
    }

    /**
     * Where a reader stopped: every seq up to {@code seq} of counter {@code epoch} was delivered
     * (tailable, polling), or the change stream's resume {@code token}.
     */
    record Position(String epoch, long seq, BsonDocument token) {
    }

    EventStore(MongoDatabase db, MongoSyncConfig config) {
        this.db = db;
        this.config = config;
        this.events = db.getCollection(config.collection());
        this.counters = db.getCollection(config.counterCollection());
        this.positions = db.getCollection(config.positionCollection(), BsonDocument.class);
    }

    /** The event collection. */
    MongoCollection<Document> events() {
        return events;
    }

    /**
     * Makes sure the event collection exists as the mechanism needs it: capped for
     * {@code tailable} (created with {@code size}/{@code max} when missing), plain with a TTL
     * index otherwise.
     *
     * @throws SyncException reason {@code CONFIGURATION} if {@code tailable} finds a non-capped collection of
     *         that name, or cannot create a capped one
     */
    void prepare() {
        if (config.mechanism() == MongoSyncConfig.Mechanism.TAILABLE) {
            Boolean capped = isCapped();
            if (capped == null) {
                CreateCollectionOptions o = new CreateCollectionOptions().capped(true).sizeInBytes(config.size());
                if (config.max() != null) o.maxDocuments(config.max());
                try {
                    db.createCollection(config.collection(), o);
                    return;
                } catch (MongoNotPrimaryException | MongoNodeIsRecoveringException e) {
                    throw e; // an election: try again
                } catch (MongoCommandException e) {
                    if (e.getErrorCode() != NAMESPACE_EXISTS) {
                        throw MongoErrors.of(Reason.CONFIGURATION, "cannot create the capped collection '" + config.collection()
                                + "' that mechanism 'tailable' needs: " + e.getErrorMessage() + " (code " + e.getErrorCode()
                                + "). On a MongoDB-compatible service without capped collections use mechanism "
                                + "'polling' (or 'change-stream' where change streams are supported)", e);
                    }
                    capped = isCapped(); // created by another instance meanwhile
                }
            }
            if (!Boolean.TRUE.equals(capped)) {
                throw MongoErrors.of(Reason.CONFIGURATION, "collection '" + config.collection() + "' in database '" + db.getName()
                        + "' exists and is not capped, so a tailable cursor cannot read it. Drop it, choose another "
                        + "'collection', or use mechanism 'polling' or 'change-stream'");
            }
        } else {
            if (isCapped() == null) {
                try {
                    db.createCollection(config.collection());
                } catch (MongoCommandException e) {
                    if (e.getErrorCode() != NAMESPACE_EXISTS) throw e;
                }
            }
            events.createIndex(Indexes.ascending(AT),
                    new IndexOptions().name("feathers4j_sync_ttl").expireAfter(config.ttl().toSeconds(), TimeUnit.SECONDS));
        }
    }

    /** Whether the event collection is capped, or {@code null} if it does not exist. */
    private Boolean isCapped() {
        for (Document d : db.listCollections().filter(new Document("name", config.collection()))) {
            Object opts = d.get("options");
            return opts instanceof Document o && Boolean.TRUE.equals(o.get("capped"));
        }
        return null;
    }

    /** The counter now; seq 0 and epoch {@code null} if it does not exist yet. */
    CounterState counter() {
        Document d = counters.find(new Document(ID, config.collection())).first();
        if (d == null) return new CounterState(0, null);
        Object seq = d.get("seq");
        return new CounterState(seq instanceof Number n ? n.longValue() : 0, d.getString(EPOCH));
    }

    /** The position stored under {@code id}, or {@code null}. */
    Position position(String id) {
        BsonDocument d = positions.find(new BsonDocument(ID, new BsonString(id))).first();
        if (d == null) return null;
        String epoch = d.isString(EPOCH) ? d.getString(EPOCH).getValue() : null;
        long seq = d.isNumber("seq") ? d.getNumber("seq").longValue() : 0;
        return new Position(epoch, seq, d.isDocument("token") ? d.getDocument("token") : null);
    }

    /** Stores (replaces) the position under {@code id}. */
    void savePosition(String id, String key, Position p) {
        BsonDocument d = new BsonDocument(ID, new BsonString(id)).append(KEY, new BsonString(key))
                .append("seq", new BsonInt64(p.seq())).append(AT, new BsonDateTime(System.currentTimeMillis()));
        if (p.epoch() != null) d.append(EPOCH, new BsonString(p.epoch()));
        if (p.token() != null) d.append("token", p.token());
        positions.replaceOne(new BsonDocument(ID, new BsonString(id)), d, new ReplaceOptions().upsert(true));
    }

    /** The lowest seq of counter {@code epoch} still in the collection, or {@code null} if none is. */
    Long oldestSeq(String epoch) {
        Document d = events.find(new Document(EPOCH, epoch)).sort(new Document(ID, 1)).limit(1)
                .projection(new Document(ID, 1)).first();
        return d != null && d.get(ID) instanceof Number n ? n.longValue() : null;
    }

    /** Allocates the next {@code n} seqs (creating the counter, with a new epoch, if missing). */
    Allocation allocate(int n) {
        Document d;
        try {
            d = findAndIncrement(n);
        } catch (MongoWriteException | MongoCommandException e) {
            if (!isDuplicateKey(e)) throw e;
            d = findAndIncrement(n); // two writers created the counter at once; the other one won
        }
        return new Allocation(((Number) d.get("seq")).longValue(), d.getString(EPOCH));
    }

    private Document findAndIncrement(long n) {
        return counters.findOneAndUpdate(new Document(ID, config.collection()),
                new Document("$inc", new Document("seq", n))
                        .append("$setOnInsert", new Document(EPOCH, UUID.randomUUID().toString())),
                new FindOneAndUpdateOptions().upsert(true).returnDocument(ReturnDocument.AFTER));
    }

    /** Inserts event documents, in order, with the seqs that end at {@code last}. */
    void insertMany(Allocation last, String key, List<byte[]> payloads) {
        long seq = last.seq() - payloads.size() + 1;
        Date now = new Date();
        List<Document> docs = new ArrayList<>(payloads.size());
        for (byte[] p : payloads) {
            docs.add(new Document(ID, seq++).append(EPOCH, last.epoch()).append(KEY, key).append(AT, now)
                    .append(PAYLOAD, new Binary(p)));
        }
        if (docs.size() == 1) events.insertOne(docs.get(0));
        else events.insertMany(docs, new InsertManyOptions().ordered(true));
    }

    /**
     * After an insert failed on a duplicate {@code _id} (the counter was reset while old documents
     * remain), moves the counter past the highest seq in the collection.
     */
    void repairCounter() {
        Document top = events.find().sort(new Document(ID, -1)).limit(1).first();
        if (top != null && top.get(ID) instanceof Number n) {
            counters.updateOne(new Document(ID, config.collection()), new Document("$max", new Document("seq", n.longValue())));
        }
    }

    /** Deletes the documents more than {@code max} seqs behind {@code seq} (non-capped collections). */
    void trim(long seq, long max) {
        if (seq > max) events.deleteMany(new Document(ID, new Document("$lte", seq - max)));
    }

    /** Whether an error is a duplicate key error (of a single write, or of every failed write in a bulk). */
    static boolean isDuplicateKey(RuntimeException e) {
        if (e instanceof MongoWriteException w) return w.getError().getCategory() == ErrorCategory.DUPLICATE_KEY;
        if (e instanceof MongoBulkWriteException b) {
            return !b.getWriteErrors().isEmpty() && b.getWriteConcernError() == null && b.getWriteErrors().stream()
                    .allMatch(w -> ErrorCategory.fromErrorCode(w.getCode()) == ErrorCategory.DUPLICATE_KEY);
        }
        if (e instanceof MongoCommandException c) return c.getErrorCode() == 11000;
        return false;
    }

    /**
     * How many documents of a failed {@link #insertMany} were written before the error: the
     * insert is ordered, so everything before the first failed index is in the collection.
     */
    static int writtenBefore(RuntimeException e) {
        if (e instanceof MongoBulkWriteException b && !b.getWriteErrors().isEmpty()) {
            return b.getWriteErrors().stream().mapToInt(w -> w.getIndex()).min().orElse(0);
        }
        return 0;
    }
}
