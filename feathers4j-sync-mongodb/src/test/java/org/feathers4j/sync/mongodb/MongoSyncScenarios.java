package org.feathers4j.sync.mongodb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.feathers4j.sync.SyncTestApps.record;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.ReturnDocument;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import org.bson.Document;
import org.bson.types.Binary;
import org.feathers4j.Application;
import org.feathers4j.SyncState;
import org.feathers4j.sync.Sync;
import org.feathers4j.sync.SyncAdapterContract;
import org.feathers4j.sync.GzipJsonSerializer;
import org.feathers4j.sync.JsonSyncSerializer;
import org.feathers4j.sync.SyncMessage;
import org.feathers4j.sync.SyncOptions;
import org.feathers4j.sync.SyncTestApps;
import org.feathers4j.sync.SyncTestApps.Received;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What every mechanism must do, run by one subclass per mechanism and server. Each test uses a
 * database of its own.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
abstract class MongoSyncScenarios extends SyncAdapterContract {

    private static final AtomicInteger DATABASES = new AtomicInteger();

    protected final List<Application> apps = new ArrayList<>();
    protected final List<MongoClient> clients = new ArrayList<>();
    protected String database = "f4j_" + getClass().getSimpleName().replaceAll("[^A-Za-z]", "").toLowerCase()
            + "_" + ProcessHandle.current().pid() + "_" + DATABASES.incrementAndGet();

    /** The connection string of the server under test, with the database. */
    protected abstract String uri(String database);

    /** The mechanism under test. */
    protected abstract MongoSyncConfig.Mechanism mechanism();

    @AfterEach
    void closeAll() {
        for (Application a : apps) {
            if (a.hasSync()) a.sync().close().orTimeout(10, TimeUnit.SECONDS).join();
        }
        for (MongoClient c : clients) {
            try {
                c.getDatabase(database).drop();
            } catch (RuntimeException ignored) {
                // best effort
            }
            c.close();
        }
    }

    @Override
    protected SyncOptions options(String key) {
        return options().key(key);
    }

    protected SyncOptions options() {
        return SyncOptions.uri(uri(database)).option("mechanism", mechanism().optionValue())
                .option("retryInterval", 50).option("gapTimeout", 5_000);
    }

    protected Application app(Consumer<SyncOptions> customize) {
        SyncOptions o = options();
        customize.accept(o);
        Application app = SyncTestApps.app();
        app.configure(Sync.of(o));
        apps.add(app);
        return app;
    }

    protected Application readyApp() {
        Application a = app(o -> { });
        a.sync().ready().orTimeout(20, TimeUnit.SECONDS).join();
        return a;
    }

    protected MongoDatabase db() {
        MongoClient c = MongoClients.create(uri(database));
        clients.add(c);
        return c.getDatabase(database);
    }

    /** The data of the {@code created} events among those recorded, in arrival order. */
    static List<Map<String, Object>> created(List<Received> received) {
        return SyncTestApps.data(received.stream().filter(r -> "created".equals(r.event())).toList());
    }

    @Test
    void aBinarySerializerWorks() {
        Application a = app(o -> o.serializer(new GzipJsonSerializer())), b = app(o -> o.serializer(new GzipJsonSerializer()));
        a.sync().ready().orTimeout(20, TimeUnit.SECONDS).join();
        b.sync().ready().orTimeout(20, TimeUnit.SECONDS).join();
        List<Received> rb = record(b);
        a.service("messages").create(Map.of("text", "zipped ü")).join();
        await().atMost(Duration.ofSeconds(15)).until(() -> created(rb).size() == 1);
        assertThat(created(rb).get(0).get("text")).isEqualTo("zipped ü");
        // what is stored is the serializer's bytes (gzip magic), not text
        Document stored = db().getCollection("events").find(new Document("key", "feathers-sync")).first();
        byte[] bytes = ((Binary) stored.get("payload")).getData();
        assertThat(bytes[0] & 0xff).isEqualTo(0x1f);
        assertThat(bytes[1] & 0xff).isEqualTo(0x8b);
    }

    @Test
    void malformedDocumentsAreDroppedAndCounted() {
        Application a = readyApp(), b = readyApp();
        List<Received> rb = record(b);
        a.service("messages").create(Map.of("text", "before the junk")).join();
        await().atMost(Duration.ofSeconds(15)).until(() -> created(rb).size() == 1);
        MongoDatabase db = db();
        // documents written by someone else, each taking a seq from the counter as writers do
        insertRaw(db, new Document("key", "feathers-sync").append("payload", "a string, not binary"));
        insertRaw(db, new Document("payload", new Binary(new byte[] {1, 2, 3})));          // no key
        insertRaw(db, new Document("key", "feathers-sync").append("payload", new Binary("{not json".getBytes())));
        a.service("messages").create(Map.of("text", "after the junk")).join();

        await().atMost(Duration.ofSeconds(15)).until(() -> created(rb).size() == 2);
        assertThat(created(rb).get(1).get("text")).isEqualTo("after the junk");
        await().atMost(Duration.ofSeconds(5)).until(() -> b.sync().counters().get("malformed") == 2L);
        assertThat(b.sync().counters()).containsEntry("malformed", 2L).containsEntry("dropped", 1L);
        assertThat(b.sync().state()).isEqualTo(SyncState.CONNECTED);
    }

    private static void insertRaw(MongoDatabase db, Document doc) {
        Document counter = db.getCollection("events.seq").findOneAndUpdate(new Document("_id", "events"),
                new Document("$inc", new Document("seq", 1L)),
                new FindOneAndUpdateOptions().returnDocument(ReturnDocument.AFTER));
        assertThat(counter).as("the counter exists once an app has published or is ready").isNotNull();
        db.getCollection("events").insertOne(doc.append("_id", counter.get("seq")).append("epoch", counter.get("epoch"))
                .append("at", new Date()));
    }

    /**
     * A counter behind the collection (dropped alone, or a server whose {@code $inc} is not atomic
     * handing one seq out twice) makes inserts collide: the writer moves the counter on and writes
     * what the failed insert left, so every event arrives once and in order (also for a poller that
     * saw the higher seqs first and finds the lower ones late).
     */
    @Test
    void aCounterBehindTheCollectionIsRepairedWithoutLossOrRepeat() throws Exception {
        Application a = readyApp(), b = readyApp();
        List<Received> rb = firstEventFromAToB(a, b);
        MongoDatabase db = db();
        long seq = ((Number) db.getCollection("events.seq").find().first().get("seq")).longValue();
        Object epoch = db.getCollection("events.seq").find().first().get("epoch");
        for (long taken : new long[] {seq + 2, seq + 6}) { // seqs in use that the counter does not know of
            db.getCollection("events").insertOne(eventDoc(taken, epoch, "another key", new byte[0]));
        }
        // let the readers see them first: a poller then waits for the seqs below them, and must deliver
        // what arrives there before what arrives above
        Thread.sleep(300);
        List<CompletableFuture<Object>> calls = new ArrayList<>();
        for (int i = 1; i <= 20; i++) calls.add(a.service("messages").create(Map.of("n", i)));
        calls.forEach(CompletableFuture::join);

        // anything delivered twice would show up within half a second
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(15)).until(() -> created(rb).size() == 21);
        assertThat(created(rb)).extracting(d -> d.get("n"))
                .containsExactlyElementsOf(IntStream.rangeClosed(0, 20).boxed().toList());
        assertThat(a.sync().counters().get("publishRetries")).as("the collisions were repaired").isPositive();
        assertThat(a.sync().counters().get("sendFailed")).isZero();
    }

    /**
     * Another writer's higher seq becomes visible before a lower one (it allocated later but wrote
     * first); the sender of the lower seq then writes its next message above both: the reader must
     * deliver that sender's two messages in the order it sent them.
     */
    @Test
    void aSendersMessagesStayInOrderWhenAnotherWritersSeqShowsUpFirst() throws Exception {
        Application a = readyApp(), b = readyApp();
        List<Received> rb = firstEventFromAToB(a, b);
        MongoDatabase db = db();
        Document counter = db.getCollection("events.seq").findOneAndUpdate(new Document("_id", "events"),
                new Document("$inc", new Document("seq", 3L)),
                new FindOneAndUpdateOptions().returnDocument(ReturnDocument.AFTER));
        long top = ((Number) counter.get("seq")).longValue();
        Object epoch = counter.get("epoch");
        // seqs top-2, top-1, top: the other writer's (another key) top-1 is written first
        db.getCollection("events").insertOne(eventDoc(top - 1, epoch, "another key", new byte[0]));
        Thread.sleep(300); // the readers have seen it: top-2 is now missing for a poller
        JsonSyncSerializer json = new JsonSyncSerializer();
        db.getCollection("events").insertMany(List.of(
                eventDoc(top - 2, epoch, "feathers-sync", json.serialize(new SyncMessage("created", "messages", Map.of("n", 1), Map.of(), "writer-w", 1L))),
                eventDoc(top, epoch, "feathers-sync", json.serialize(new SyncMessage("created", "messages", Map.of("n", 2), Map.of(), "writer-w", 2L)))));

        await().atMost(Duration.ofSeconds(15)).until(() -> created(rb).size() >= 3);
        assertThat(created(rb)).extracting(d -> d.get("n")).containsExactly(0, 1, 2);
    }

    /** Records B's {@code created} events once A's first one, {@code {n: 0}}, has reached B (the counter exists then). */
    private static List<Received> firstEventFromAToB(Application a, Application b) {
        List<Received> rb = record(b);
        a.service("messages").create(Map.of("n", 0)).join();
        await().atMost(Duration.ofSeconds(15)).until(() -> created(rb).size() == 1);
        return rb;
    }

    private static Document eventDoc(long seq, Object epoch, String key, byte[] payload) {
        return new Document("_id", seq).append("epoch", epoch).append("key", key).append("at", new Date())
                .append("payload", new Binary(payload));
    }

    @Test
    void anExistingDatabaseIsUsedAndLeftOpen() {
        MongoClient client = MongoClients.create(uri(database));
        clients.add(client);
        Application a = SyncTestApps.app();
        a.configure(MongoSync.with(client.getDatabase(database), options().setUri(null)));
        apps.add(a);
        Application b = readyApp();
        a.sync().ready().orTimeout(20, TimeUnit.SECONDS).join();
        List<Received> rb = record(b);
        a.service("messages").create(Map.of("text", "via given db")).join();
        await().atMost(Duration.ofSeconds(15)).until(() -> created(rb).size() == 1);
        a.sync().close().orTimeout(10, TimeUnit.SECONDS).join();
        // the client we gave is still usable
        assertThat(client.getDatabase(database).getCollection("events").countDocuments()).isPositive();
    }
}
