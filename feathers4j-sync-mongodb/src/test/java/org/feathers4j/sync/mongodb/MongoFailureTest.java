package org.feathers4j.sync.mongodb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.feathers4j.sync.FailureAssertions.assertFailedAfterReady;
import static org.feathers4j.sync.FailureAssertions.assertFailedVisibly;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.feathers4j.sync.LogCapture;
import org.feathers4j.sync.SyncException;
import org.feathers4j.sync.SyncOptions;
import org.feathers4j.SyncState;
import org.feathers4j.sync.spi.SyncAdapter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * No silent failure, on the in-process server: the database is the real one, seen through a
 * wrapper whose one chosen call meets a missing class, on the receive thread or the write thread.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MongoFailureTest {

    private InProcessMongo mongo;
    private MongoClient client;
    private SyncAdapter adapter;

    @BeforeEach
    void setUp() throws Exception {
        mongo = new InProcessMongo();
        client = MongoClients.create(mongo.uri("failures"));
    }

    @AfterEach
    void tearDown() {
        if (adapter != null) adapter.close().orTimeout(15, TimeUnit.SECONDS).join();
        client.close();
        mongo.close();
    }

    /** {@code target} with calls of {@code method} throwing a NoClassDefFoundError, everything else passed on. */
    @SuppressWarnings("unchecked")
    private static <T> T failing(Class<T> type, T target, String method, InvocationHandler otherwise) {
        return (T) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, m, args) -> {
            if (m.getName().equals(method)) throw new NoClassDefFoundError("com/mongodb/internal/SomethingMissing");
            return otherwise.invoke(proxy, m, args);
        });
    }

    private static InvocationHandler passTo(Object target) {
        return (proxy, m, args) -> {
            try {
                return m.invoke(target, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        };
    }

    private SyncOptions options() {
        return new SyncOptions().key("f4j-failure-" + UUID.randomUUID()).option("mechanism", "polling")
                .option("collection", "events_" + UUID.randomUUID().toString().replace("-", ""));
    }

    @Test
    void aMissingClassOnTheReceiveThreadFailsTheAdapterVisibly() {
        MongoDatabase real = client.getDatabase("failures");
        MongoDatabase db = failing(MongoDatabase.class, real, "listCollections", passTo(real));
        SyncOptions options = options();
        adapter = MongoSync.adapter(db, options, MongoSyncConfig.from(options));
        try (LogCapture log = LogCapture.start()) {
            var buffered = adapter.publish("{}".getBytes(StandardCharsets.UTF_8));
            adapter.start(m -> { });
            assertFailedVisibly(adapter, NoClassDefFoundError.class, log, Duration.ofSeconds(10));
            assertThat(adapter.lastError()).isInstanceOfSatisfying(SyncException.class,
                    e -> assertThat(e.reason()).isEqualTo(SyncException.Reason.INCOMPATIBLE_CLASSPATH));
            await().atMost(Duration.ofSeconds(2)).until(buffered::isDone); // failed just after the state is set
            assertThat(buffered).isCompletedExceptionally();
        }
    }

    @Test
    void aMissingClassOnTheWriteThreadFailsTheAdapterVisibly() {
        MongoDatabase real = client.getDatabase("failures");
        SyncOptions options = options();
        String counters = MongoSyncConfig.from(options).counterCollection();
        // the counter collection's findOneAndUpdate (seq allocation, only the writer uses it) meets the missing class
        MongoDatabase db = failing(MongoDatabase.class, real, "noSuchMethod", (proxy, m, args) -> {
            Object r = passTo(real).invoke(proxy, m, args);
            if (m.getName().equals("getCollection") && counters.equals(args[0])) {
                MongoCollection<?> c = (MongoCollection<?>) r;
                return failing(MongoCollection.class, c, "findOneAndUpdate", passTo(c));
            }
            return r;
        });
        adapter = MongoSync.adapter(db, options, MongoSyncConfig.from(options));
        try (LogCapture log = LogCapture.start()) {
            adapter.start(m -> { });
            await().atMost(Duration.ofSeconds(10)).until(() -> adapter.state() == SyncState.CONNECTED);
            var f = adapter.publish("{}".getBytes(StandardCharsets.UTF_8));
            assertFailedAfterReady(adapter, NoClassDefFoundError.class, log, Duration.ofSeconds(10));
            assertThat(adapter.lastError()).isInstanceOfSatisfying(SyncException.class,
                    e -> assertThat(e.reason()).isEqualTo(SyncException.Reason.INCOMPATIBLE_CLASSPATH));
            await().atMost(Duration.ofSeconds(2)).until(f::isDone); // failed just after the state is set
            assertThat(f).isCompletedExceptionally();
        }
    }
}
