package org.feathers4j.sync.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.feathers4j.sync.amqp.AmqpTestSupport.URI;
import static org.feathers4j.sync.amqp.AmqpTestSupport.app;
import static org.feathers4j.sync.amqp.AmqpTestSupport.options;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.feathers4j.Application;
import org.feathers4j.HookContext;
import org.feathers4j.Params;
import org.feathers4j.Service;
import org.feathers4j.SyncState;
import org.feathers4j.memory.MemoryService;
import org.feathers4j.sync.Sync;
import org.feathers4j.sync.GzipJsonSerializer;
import org.feathers4j.sync.SyncOptions;
import org.feathers4j.sync.TcpProxy;
import org.feathers4j.sync.SyncTestApps.Received;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Tag("broker")
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class AmqpSyncTest {

    private final List<Application> apps = new ArrayList<>();
    private String key;

    @BeforeAll
    static void broker() {
        AmqpTestSupport.requireBroker();
    }

    @BeforeEach
    void newKey() {
        key = AmqpTestSupport.uniqueKey();
    }

    @AfterEach
    void cleanUp() {
        AmqpTestSupport.closeAll(apps);
        AmqpTestSupport.deleteExchange(key);
    }

    private Application started(SyncOptions o) throws Exception {
        Application a = app(o);
        apps.add(a);
        a.sync().ready().get(20, TimeUnit.SECONDS);
        return a;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object o) {
        return (Map<String, Object>) o;
    }

    private Application started() throws Exception {
        return started(options(URI, key));
    }

    @Test
    void binarySerializer() throws Exception {
        SyncOptions o = options(URI, key).serializer(new GzipJsonSerializer());
        Application a = started(o.copy());
        Application b = started(o.copy().instanceId("b-" + key));
        List<Received> rb = AmqpTestSupport.created(b);
        try (Connection raw = AmqpTestSupport.raw(); Channel ch = raw.createChannel()) {
            String q = ch.queueDeclare().getQueue();
            ch.queueBind(q, key, "");
            a.service("messages").create(Map.of("text", "zipped", "n", 3)).get(10, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(10)).until(() -> rb.size() == 1);
            assertThat(map(rb.get(0).data())).containsEntry("text", "zipped");
            byte[] body = await().atMost(Duration.ofSeconds(5)).until(() -> {
                var g = ch.basicGet(q, true);
                return g == null ? null : g.getBody();
            }, java.util.Objects::nonNull);
            assertThat(body[0] & 0xff).as("gzip magic on the wire").isEqualTo(0x1f);
            assertThat(body[1] & 0xff).isEqualTo(0x8b);
        }
    }

    @Test
    void malformedMessageIsDroppedAndCounted() throws Exception {
        Application a = started();
        Application b = started();
        List<Received> rb = AmqpTestSupport.created(b);
        try (Connection raw = AmqpTestSupport.raw(); Channel ch = raw.createChannel()) {
            ch.basicPublish(key, "", null, "{not json".getBytes(StandardCharsets.UTF_8));
            ch.basicPublish(key, "", null, new byte[] {0, 1, 2, (byte) 0xff});
            ch.basicPublish(key, "", null, "{\"event\":\"created\",\"path\":\"nowhere\",\"data\":{}}".getBytes(StandardCharsets.UTF_8));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> b.sync().counters().get("dropped") == 3L
                && a.sync().counters().get("dropped") == 3L);
        a.service("messages").create(Map.of("n", 1)).get(10, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(10)).until(() -> rb.size() == 1);
        assertThat(b.sync().state()).isEqualTo(SyncState.CONNECTED);
    }

    @Test
    void topologyIsFeathersSyncCompatible() throws Exception {
        Application a = started();
        try (Connection raw = AmqpTestSupport.raw()) {
            Channel ch = raw.createChannel();
            // exactly Node feathers-sync's declaration: accepted, so it is equivalent
            ch.exchangeDeclare(key, BuiltinExchangeType.FANOUT, false);
            // a durable declaration is refused: ours is non-durable
            Channel ch2 = raw.createChannel();
            assertThatThrownBy(() -> ch2.exchangeDeclare(key, BuiltinExchangeType.FANOUT, true))
                    .hasStackTraceContaining("PRECONDITION_FAILED");
            // one named queue per instance, consumed by it
            String queue = key + ".feathers4j." + a.sync().instanceId();
            AMQP.Queue.DeclareOk ok = ch.queueDeclarePassive(queue);
            assertThat(ok.getConsumerCount()).isEqualTo(1);
            // a feathers-sync style instance: server-named auto-delete queue bound to the exchange
            String nodeQueue = ch.queueDeclare("", false, false, true, null).getQueue();
            ch.queueBind(nodeQueue, key, "queue-binding");
            a.service("messages").create(Map.of("n", 5)).get(10, TimeUnit.SECONDS);
            byte[] body = await().atMost(Duration.ofSeconds(5)).until(() -> {
                var g = ch.basicGet(nodeQueue, true);
                return g == null ? null : g.getBody();
            }, java.util.Objects::nonNull);
            Map<String, Object> m = map(new ObjectMapper().readValue(body, Map.class));
            assertThat(m).containsKeys("event", "path", "data", "context");
            assertThat(m.get("event")).isEqualTo("created");
            assertThat(m.get("path")).isEqualTo("messages");
        }
        // a clean close deletes the instance queue
        a.sync().close().get(10, TimeUnit.SECONDS);
        try (Connection raw = AmqpTestSupport.raw()) {
            Channel ch = raw.createChannel();
            String queue = key + ".feathers4j." + a.sync().instanceId();
            assertThatThrownBy(() -> ch.queueDeclarePassive(queue)).hasStackTraceContaining("NOT_FOUND");
        }
    }

    @Test
    void rabbitmqAliasConnects() throws Exception {
        Application a = started(options(URI.replaceFirst("^amqp", "rabbitmq"), key));
        Application b = started();
        List<Received> rb = AmqpTestSupport.created(b);
        a.service("messages").create(Map.of("n", 1)).get(10, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(10)).until(() -> rb.size() == 1);
    }

    @Test
    void badCredentialsFailReady() {
        String bad = URI.replaceFirst("://[^@/]*@", "://guest:wrong-password@");
        if (!bad.contains("@")) bad = URI.replaceFirst("://", "://guest:wrong-password@");
        Application a = app(options(bad, key));
        apps.add(a);
        assertThatThrownBy(() -> a.sync().ready().get(20, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause().hasMessageContaining("refused the credentials")
                .hasMessageNotContaining("wrong-password");
        assertThat(a.sync().state()).isEqualTo(SyncState.FAILED);
        // the app keeps working locally
        List<Received> r = AmqpTestSupport.created(a);
        a.service("messages").create(Map.of("n", 1)).join();
        assertThat(r.size()).isEqualTo(1);
    }

    @Test
    void missingVhostFailsReady() {
        String u = URI.replaceFirst("(://[^/]+)(/.*)?$", "$1/no-such-vhost-f4j");
        Application a = app(options(u, key));
        apps.add(a);
        assertThatThrownBy(() -> a.sync().ready().get(20, TimeUnit.SECONDS))
                .cause().hasMessageContaining("no-such-vhost-f4j").hasMessageContaining("virtual host");
        assertThat(a.sync().state()).isEqualTo(SyncState.FAILED);
    }

    @Test
    void exchangeWithOtherSettingsFailsReady() throws Exception {
        try (Connection raw = AmqpTestSupport.raw(); Channel ch = raw.createChannel()) {
            ch.exchangeDeclare(key, BuiltinExchangeType.FANOUT, true);
        }
        Application a = app(options(URI, key));
        apps.add(a);
        assertThatThrownBy(() -> a.sync().ready().get(20, TimeUnit.SECONDS))
                .cause().hasMessageContaining("PRECONDITION_FAILED").hasMessageContaining("non-durable fanout");
        assertThat(a.sync().lastError()).isNotNull();
    }

    @Test
    void failuresCarryTheirReason() throws Exception {
        String bad = URI.replaceFirst("://[^@/]*@", "://guest:wrong-password@");
        if (!bad.contains("@")) bad = URI.replaceFirst("://", "://guest:wrong-password@");
        String noVhost = URI.replaceFirst("(://[^/]+)(/.*)?$", "$1/no-such-vhost-f4j");
        try (Connection raw = AmqpTestSupport.raw(); Channel ch = raw.createChannel()) {
            ch.exchangeDeclare(key, BuiltinExchangeType.FANOUT, true);
        }
        Map<String, org.feathers4j.sync.SyncException.Reason> expected = new LinkedHashMap<>();
        expected.put(bad, org.feathers4j.sync.SyncException.Reason.AUTHENTICATION);
        expected.put(noVhost, org.feathers4j.sync.SyncException.Reason.CONFIGURATION);
        expected.put(URI, org.feathers4j.sync.SyncException.Reason.CONFIGURATION); // the durable exchange: PRECONDITION_FAILED
        for (var e : expected.entrySet()) {
            Application a = app(options(e.getKey(), key));
            apps.add(a);
            assertThatThrownBy(() -> a.sync().ready().get(20, TimeUnit.SECONDS)).cause()
                    .isInstanceOfSatisfying(org.feathers4j.sync.SyncException.class, x -> {
                        assertThat(x.reason()).as(x.getMessage()).isEqualTo(e.getValue());
                        assertThat(x.type()).isEqualTo("amqp");
                        assertThat(x.getCause()).isNotNull();
                    });
            assertThat(a.sync().lastError()).isInstanceOf(org.feathers4j.sync.SyncException.class);
        }
    }

    @Test
    void givenConnectionIsUsedAndNotClosed() throws Exception {
        com.rabbitmq.client.ConnectionFactory f = AmqpTestSupport.factory();
        f.setAutomaticRecoveryEnabled(true);
        try (Connection conn = f.newConnection("app-owned")) {
            Application a = new Application();
            a.use("messages", new MemoryService());
            a.configure(AmqpSync.with(conn, new SyncOptions().key(key)));
            apps.add(a);
            a.sync().ready().get(20, TimeUnit.SECONDS);
            Application b = started();
            List<Received> rb = AmqpTestSupport.created(b);
            a.service("messages").create(Map.of("n", 1)).get(10, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(10)).until(() -> rb.size() == 1);
            a.sync().close().get(10, TimeUnit.SECONDS);
            assertThat(conn.isOpen()).as("the application's connection stays open").isTrue();
        }
    }

    @Test
    void givenFactoryIsCopiedNotChanged() throws Exception {
        com.rabbitmq.client.ConnectionFactory f = AmqpTestSupport.factory();
        Application a = new Application();
        a.use("messages", new MemoryService());
        a.configure(AmqpSync.with(f, new SyncOptions().key(key)));
        apps.add(a);
        a.sync().ready().get(20, TimeUnit.SECONDS);
        assertThat(f.isAutomaticRecoveryEnabled()).isFalse();
        Application b = started();
        List<Received> ra = AmqpTestSupport.created(a);
        b.service("messages").create(Map.of("n", 1)).get(10, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(10)).until(() -> ra.size() == 1);
    }

    @Test
    void queueDeletedByAnOperatorComesBack() throws Exception {
        Application a = started();
        Application b = started();
        List<Received> rb = AmqpTestSupport.created(b);
        String queueB = key + ".feathers4j." + b.sync().instanceId();
        try (Connection raw = AmqpTestSupport.raw(); Channel ch = raw.createChannel()) {
            ch.queueDelete(queueB);
            await().atMost(Duration.ofSeconds(15)).until(() -> {
                try (Channel probe = raw.createChannel()) {
                    return probe.queueDeclarePassive(queueB).getConsumerCount() == 1;
                } catch (Exception e) {
                    return false;
                }
            });
        }
        await().atMost(Duration.ofSeconds(15)).until(() -> b.sync().state() == SyncState.CONNECTED);
        a.service("messages").create(Map.of("n", 1)).get(10, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(10)).until(() -> rb.size() == 1);
    }

    @Test
    void exchangeDeletedByAnOperatorComesBack() throws Exception {
        SyncOptions o = options(URI, key).option("topologyCheck", Duration.ofSeconds(1));
        Application a = started(o.copy().instanceId("a-" + key));
        Application b = started(o.copy().instanceId("b-" + key));
        List<Received> rb = AmqpTestSupport.created(b);
        AmqpTestSupport.deleteExchange(key);
        // events published while the exchange is gone are lost by nature; syncing resumes by itself
        long n = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (rb.size() == 0 && System.nanoTime() < deadline) {
            a.service("messages").create(Map.of("n", ++n)).get(10, TimeUnit.SECONDS);
            Thread.sleep(200);
        }
        assertThat(rb.size()).as("events reach b again after the exchange was deleted").isPositive();
        assertThat(a.sync().state()).isEqualTo(SyncState.CONNECTED);
    }

    @Test
    void startWhileBrokerUnreachableThenSyncs() throws Exception {
        java.net.URI target = new java.net.URI(URI);
        try (TcpProxy proxy = new TcpProxy(target.getHost(), target.getPort() < 0 ? 5672 : target.getPort())) {
            String viaProxy = URI.replaceFirst("@[^/:]+(:\\d+)?", "@127.0.0.1:" + proxy.port());
            Application a = app(options(viaProxy, key));
            apps.add(a);
            List<Received> ra = AmqpTestSupport.created(a);
            Application b = started();
            List<Received> rb = AmqpTestSupport.created(b);

            await().atMost(Duration.ofSeconds(10)).until(() -> a.sync().lastError() != null);
            assertThat(a.sync().ready()).isNotDone();
            assertThat(a.sync().state()).isEqualTo(SyncState.CONNECTING);
            assertThat(a.sync().lastError().toString()).containsIgnoringCase("refused");
            // the app works while the broker is away; its events wait in the buffer
            a.service("messages").create(Map.of("n", 1)).get(10, TimeUnit.SECONDS);
            assertThat(a.sync().counters()).containsEntry("buffered", 1L);
            await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(3)).until(() -> !a.sync().ready().isDone());

            proxy.open();
            a.sync().ready().get(20, TimeUnit.SECONDS);
            assertThat(a.sync().state()).isEqualTo(SyncState.CONNECTED);
            await().atMost(Duration.ofSeconds(10)).until(() -> rb.size() == 1 && ra.size() == 1);
            b.service("messages").create(Map.of("n", 2)).get(10, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(10)).until(() -> ra.size() == 2);
        }
    }
}
