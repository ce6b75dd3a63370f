package org.feathers4j.sync.mongodb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.bson.Document;
import org.bson.types.Binary;
import org.feathers4j.Application;
import org.feathers4j.HookContext;
import org.feathers4j.Method;
import org.feathers4j.Params;
import org.feathers4j.memory.MemoryService;
import org.feathers4j.sync.Sync;
import org.feathers4j.sync.SyncMessage;
import org.feathers4j.sync.SyncOptions;
import org.feathers4j.sync.SyncSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What every mechanism must do, run by one subclass per mechanism and server. Each test uses a
 * database of its own.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
abstract class MongoSyncScenarios {

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

    /** A chat service that also emits the custom event {@code typing}. */
    static final class Chat extends MemoryService {
        @Override
        public List<String> events() {
            return List.of("typing");
        }
    }

    protected SyncOptions options() {
        return SyncOptions.uri(uri(database)).option("mechanism", mechanism().optionValue())
                .option("retryInterval", 50).option("gapTimeout", 5_000);
    }

    protected Application app(Consumer<SyncOptions> customize) {
        SyncOptions o = options();
        customize.accept(o);
        Application app = new Application();
        app.use("messages", new Chat());
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

    /** Records (event, data, context) of a service's events. */
    protected static final class Recorder {
        final List<Object[]> seen = new CopyOnWriteArrayList<>();

        Recorder(Application app, String... events) {
            for (String e : events) app.service("messages").on(e, (data, ctx) -> seen.add(new Object[] {e, data, ctx}));
        }

        List<Object> data(String event) {
            List<Object> out = new ArrayList<>();
            for (Object[] s : seen) if (s[0].equals(event)) out.add(s[1]);
            return out;
        }

        List<HookContext> contexts(String event) {
            List<HookContext> out = new ArrayList<>();
            for (Object[] s : seen) if (s[0].equals(event)) out.add((HookContext) s[2]);
            return out;
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asMap(Object o) {
        return (Map<String, Object>) o;
    }

    @SuppressWarnings("unchecked")
    private static Object field(Object data, String name) {
        return ((Map<String, Object>) data).get(name);
    }

    @Test
    void threeAppsExchangeEventsWithTheirContext() {
        Application a = readyApp(), b = readyApp(), c = readyApp();
        assertThat(a.sync().type()).isEqualTo("mongodb");
        Recorder ra = new Recorder(a, "created", "patched"), rb = new Recorder(b, "created", "patched"),
                rc = new Recorder(c, "created", "patched");

        Params params = new Params().provider("rest").query("room", "lobby").user(Map.of("id", 7, "password", "secret"));
        Object created = a.service("messages").create(Map.of("text", "hello"), params).join();
        Object id = field(created, "id");

        for (Recorder r : List.of(ra, rb, rc)) {
            await().atMost(Duration.ofSeconds(15)).until(() -> r.data("created").size() == 1);
            assertThat(field(r.data("created").get(0), "text")).isEqualTo("hello");
            HookContext ctx = r.contexts("created").get(0);
            assertThat(ctx.isFromSync()).isTrue();
            assertThat(ctx.method()).isEqualTo(Method.CREATE);
            assertThat(ctx.params().provider()).isEqualTo("rest");
            assertThat(ctx.params().query()).containsEntry("room", "lobby");
            assertThat(asMap(ctx.params().user())).containsEntry("id", 7).doesNotContainKey("password");
        }

        // and the other way: B patches, A and C hear it (in the other instance, so id is a number as JSON gave it)
        b.service("messages").create(Map.of("text", "from b")).join();
        await().atMost(Duration.ofSeconds(15)).until(() -> ra.data("created").size() == 2 && rc.data("created").size() == 2);
        a.service("messages").patch(id, Map.of("text", "edited")).join();
        for (Recorder r : List.of(ra, rb, rc)) {
            await().atMost(Duration.ofSeconds(15)).until(() -> r.data("patched").size() == 1);
            assertThat(((Number) r.contexts("patched").get(0).id()).longValue()).isEqualTo(((Number) id).longValue());
            assertThat(r.contexts("patched").get(0).method()).isEqualTo(Method.PATCH);
        }
        // nothing delivered twice
        assertThat(rb.data("created")).hasSize(2);
        assertThat(b.sync().counters()).containsEntry("duplicates", 0L).containsEntry("dropped", 0L);
    }

    @Test
    void customEventsAreSynced() {
        Application a = readyApp(), b = readyApp();
        Recorder rb = new Recorder(b, "typing");
        a.service("messages").emit("typing", Map.of("user", "ann"));
        await().atMost(Duration.ofSeconds(15)).until(() -> rb.data("typing").size() == 1);
        assertThat(field(rb.data("typing").get(0), "user")).isEqualTo("ann");
    }

    @Test
    void theSkipSwitchKeepsACallLocal() {
        Application a = readyApp(), b = readyApp();
        Recorder ra = new Recorder(a, "created"), rb = new Recorder(b, "created");
        a.service("messages").create(Map.of("text", "local only"), new Params().set(Sync.SYNC, false)).join();
        a.service("messages").create(Map.of("text", "marker")).join();
        await().atMost(Duration.ofSeconds(15)).until(() -> rb.data("created").size() == 1);
        await().atMost(Duration.ofSeconds(15)).until(() -> ra.data("created").size() == 2);
        // B got the marker, written after the local one: the local one never went out
        assertThat(field(rb.data("created").get(0), "text")).isEqualTo("marker");
        assertThat(ra.data("created")).extracting(d -> field(d, "text")).containsExactlyInAnyOrder("local only", "marker");
    }

    /** GZIP over JSON: bytes that are not UTF-8 text. */
    static final class GzipSerializer implements SyncSerializer {
        @Override
        public byte[] serialize(SyncMessage message) throws Exception {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (GZIPOutputStream z = new GZIPOutputStream(out)) {
                z.write(SyncSerializer.json().serialize(message));
            }
            return out.toByteArray();
        }

        @Override
        public SyncMessage deserialize(byte[] bytes) throws Exception {
            try (GZIPInputStream z = new GZIPInputStream(new ByteArrayInputStream(bytes))) {
                return SyncSerializer.json().deserialize(z.readAllBytes());
            }
        }
    }

    @Test
    void aBinarySerializerWorks() {
        Application a = app(o -> o.serializer(new GzipSerializer())), b = app(o -> o.serializer(new GzipSerializer()));
        a.sync().ready().orTimeout(20, TimeUnit.SECONDS).join();
        b.sync().ready().orTimeout(20, TimeUnit.SECONDS).join();
        Recorder rb = new Recorder(b, "created");
        a.service("messages").create(Map.of("text", "zipped ü")).join();
        await().atMost(Duration.ofSeconds(15)).until(() -> rb.data("created").size() == 1);
        assertThat(field(rb.data("created").get(0), "text")).isEqualTo("zipped ü");
        // what is stored is the serializer's bytes (gzip magic), not text
        Document stored = db().getCollection("events").find(new Document("key", "feathers-sync")).first();
        byte[] bytes = ((Binary) stored.get("payload")).getData();
        assertThat(bytes[0] & 0xff).isEqualTo(0x1f);
        assertThat(bytes[1] & 0xff).isEqualTo(0x8b);
    }

    @Test
    void malformedDocumentsAreDroppedAndCounted() {
        Application a = readyApp(), b = readyApp();
        Recorder rb = new Recorder(b, "created");
        a.service("messages").create(Map.of("text", "before the junk")).join();
        await().atMost(Duration.ofSeconds(15)).until(() -> rb.data("created").size() == 1);
        MongoDatabase db = db();
        // documents written by someone else, each taking a seq from the counter as writers do
        insertRaw(db, new Document("key", "feathers-sync").append("payload", "a string, not binary"));
        insertRaw(db, new Document("payload", new Binary(new byte[] {1, 2, 3})));          // no key
        insertRaw(db, new Document("key", "feathers-sync").append("payload", new Binary("{not json".getBytes())));
        a.service("messages").create(Map.of("text", "after the junk")).join();

        await().atMost(Duration.ofSeconds(15)).until(() -> rb.data("created").size() == 2);
        assertThat(field(rb.data("created").get(1), "text")).isEqualTo("after the junk");
        await().atMost(Duration.ofSeconds(5)).until(() -> b.sync().counters().get("malformed") == 2L);
        assertThat(b.sync().counters()).containsEntry("malformed", 2L).containsEntry("dropped", 1L);
        assertThat(b.sync().state()).isEqualTo("CONNECTED");
    }

    private static void insertRaw(MongoDatabase db, Document doc) {
        Document counter = db.getCollection("events.seq").findOneAndUpdate(new Document("_id", "events"),
                new Document("$inc", new Document("seq", 1L)),
                new com.mongodb.client.model.FindOneAndUpdateOptions().returnDocument(com.mongodb.client.model.ReturnDocument.AFTER));
        assertThat(counter).as("the counter exists once an app has published or is ready").isNotNull();
        db.getCollection("events").insertOne(doc.append("_id", counter.get("seq")).append("epoch", counter.get("epoch"))
                .append("at", new java.util.Date()));
    }

    @Test
    void anExistingDatabaseIsUsedAndLeftOpen() {
        MongoClient client = MongoClients.create(uri(database));
        clients.add(client);
        Application a = new Application().use("messages", new Chat());
        a.configure(MongoSync.with(client.getDatabase(database), options().setUri(null)));
        apps.add(a);
        Application b = readyApp();
        a.sync().ready().orTimeout(20, TimeUnit.SECONDS).join();
        Recorder rb = new Recorder(b, "created");
        a.service("messages").create(Map.of("text", "via given db")).join();
        await().atMost(Duration.ofSeconds(15)).until(() -> rb.data("created").size() == 1);
        a.sync().close().orTimeout(10, TimeUnit.SECONDS).join();
        // the client we gave is still usable
        assertThat(client.getDatabase(database).getCollection("events").countDocuments()).isPositive();
    }
}
