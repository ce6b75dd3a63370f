package org.feathers4j.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.lettuce.core.RedisClient;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.feathers4j.Application;
import org.feathers4j.Params;
import org.feathers4j.Plugin;
import org.feathers4j.Service;
import org.feathers4j.SyncState;
import org.feathers4j.channels.Channels;
import org.feathers4j.memory.MemoryService;
import org.feathers4j.micrometer.FeathersMetrics;
import org.feathers4j.server.FeathersServer;
import org.feathers4j.sync.SyncOptions;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.jackson.JacksonAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.annotation.Order;

/** The auto-configuration's conditions and property binding, without a broker. */
class FeathersAutoConfigurationTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(FeathersAutoConfiguration.class, FeathersActuatorAutoConfiguration.class))
            .withPropertyValues("feathers4j.server.host=127.0.0.1", "feathers4j.server.port=0");

    @Test
    void defaultsGiveAnApplicationAStartedServerAndNoSync() {
        runner.run(ctx -> {
            assertThat(ctx).hasNotFailed().hasSingleBean(Application.class).hasSingleBean(FeathersServer.class)
                    .hasSingleBean(FeathersLifecycle.class);
            Application app = ctx.getBean(Application.class);
            assertThat(app.hasSync()).isFalse();
            assertThat(app.isSetUp()).isTrue();
            FeathersServer server = ctx.getBean(FeathersServer.class);
            assertThat(server.isRunning()).isTrue();
            assertThat(server.port()).isPositive();
            assertThat(ctx.getBean(FeathersLifecycle.class).isRunning()).isTrue();
        });
    }

    @Test
    void closingTheContextStopsTheServerAndTearsTheAppDown() {
        Application[] app = new Application[1];
        FeathersServer[] server = new FeathersServer[1];
        runner.run(ctx -> {
            app[0] = ctx.getBean(Application.class);
            server[0] = ctx.getBean(FeathersServer.class);
        });
        assertThat(server[0].isRunning()).isFalse();
        assertThat(app[0].isSetUp()).isFalse();
    }

    @Test
    void servicesAndConfigurersComeFromBeansInOrder() {
        List<String> calls = new ArrayList<>();
        runner.withBean("b", ServiceRegistration.class, () -> new ServiceRegistration("b", new MemoryService()))
                .withBean("a", ServiceRegistration.class, () -> new ServiceRegistration("a", new MemoryService()))
                .withBean("second", FeathersConfigurer.class, () -> new Second(calls))
                .withBean("first", FeathersConfigurer.class, () -> new First(calls))
                .run(ctx -> {
                    Application app = ctx.getBean(Application.class);
                    assertThat(app.services()).containsKeys("a", "b");
                    assertThat(calls).containsExactly("first:a,b", "second");
                });
    }

    @Order(1)
    record First(List<String> calls) implements FeathersConfigurer {
        @Override
        public void configure(Application app, Channels channels) {
            assertThat(channels).isSameAs(Channels.of(app));
            calls.add("first:" + String.join(",", new java.util.TreeSet<>(app.services().keySet())));
        }
    }

    @Order(2)
    record Second(List<String> calls) implements FeathersConfigurer {
        @Override
        public void configure(Application app, Channels channels) {
            calls.add("second");
        }
    }

    @Test
    void serverOffMeansNoServerButTheAppIsSetUpAndTornDown() {
        Application[] app = new Application[1];
        runner.withPropertyValues("feathers4j.server.enabled=false").run(ctx -> {
            assertThat(ctx).hasNotFailed().doesNotHaveBean(FeathersServer.class).hasSingleBean(Application.class);
            app[0] = ctx.getBean(Application.class);
            assertThat(app[0].isSetUp()).isTrue();
        });
        assertThat(app[0].isSetUp()).isFalse();
    }

    @Test
    void ownBeansWin() {
        Application mine = new Application();
        runner.withBean(Application.class, () -> mine).run(ctx -> {
            assertThat(ctx.getBean(Application.class)).isSameAs(mine);
            assertThat(ctx.getBean(FeathersServer.class).app()).isSameAs(mine);
        });
    }

    @Test
    void propertiesBind() {
        runner.withPropertyValues(
                "feathers4j.sync.key=k1", "feathers4j.sync.batch=true", "feathers4j.sync.buffer-size=77",
                "feathers4j.sync.instance-id=node-1", "feathers4j.sync.ready-timeout=3s",
                "feathers4j.sync.resume=last", "feathers4j.sync.local-first=true",
                "feathers4j.sync.fail-on-ready-timeout=false", "feathers4j.sync.options.connectTimeout=2s",
                "feathers4j.server.cors-origins=https://a.example,https://b.example",
                "feathers4j.server.max-payload-bytes=2048", "feathers4j.server.max-json-depth=10",
                "feathers4j.server.idle-timeout-ms=5000", "feathers4j.server.max-calls-in-flight=8",
                "feathers4j.server.max-calls-per-second=100", "feathers4j.server.threads=2",
                "feathers4j.server.use-context-object-mapper=false").run(ctx -> {
            assertThat(ctx).hasNotFailed();
            FeathersProperties p = ctx.getBean(FeathersProperties.class);
            assertThat(p.getSync().getReadyTimeout()).isEqualTo(Duration.ofSeconds(3));
            assertThat(p.getSync().isFailOnReadyTimeout()).isFalse();
            assertThat(p.getServer().getHost()).isEqualTo("127.0.0.1");
            assertThat(p.getServer().getPort()).isZero();
            assertThat(p.getServer().getCorsOrigins()).containsExactly("https://a.example", "https://b.example");
            assertThat(p.getServer().getMaxPayloadBytes()).isEqualTo(2048);
            assertThat(p.getServer().getMaxJsonDepth()).isEqualTo(10);
            assertThat(p.getServer().getIdleTimeoutMs()).isEqualTo(5000);
            assertThat(p.getServer().getMaxCallsInFlight()).isEqualTo(8);
            assertThat(p.getServer().getMaxCallsPerSecond()).isEqualTo(100);
            assertThat(p.getServer().getThreads()).isEqualTo(2);
            assertThat(p.getServer().isUseContextObjectMapper()).isFalse();
            // no uri: no sync
            assertThat(FeathersAutoConfiguration.syncOptions(p.getSync())).isNull();
            assertThat(ctx.getBean(Application.class).hasSync()).isFalse();
            p.getSync().setUri(" redis://127.0.0.1:6379 ");
            SyncOptions o = FeathersAutoConfiguration.syncOptions(p.getSync());
            assertThat(o.uri()).isEqualTo("redis://127.0.0.1:6379");
            assertThat(o.key()).isEqualTo("k1");
            assertThat(o.batch()).isTrue();
            assertThat(o.bufferSize()).isEqualTo(77);
            assertThat(o.instanceId()).isEqualTo("node-1");
            assertThat(o.resume()).isEqualTo(SyncOptions.Resume.LAST);
            assertThat(o.localFirst()).isTrue();
            assertThat(o.options()).containsEntry("connectTimeout", "2s");
        });
    }

    @Test
    void syncFromTheUriIsReadyBeforeTheServerStartsAndHealthIsUp() {
        runner.withPropertyValues("feathers4j.sync.uri=memory://boot-" + UUID.randomUUID()).run(ctx -> {
            assertThat(ctx).hasNotFailed();
            Application app = ctx.getBean(Application.class);
            assertThat(app.hasSync()).isTrue();
            assertThat(app.sync().type()).isEqualTo("memory");
            assertThat(app.sync().state()).isEqualTo(SyncState.CONNECTED);
            var health = ctx.getBean("feathers4jHealthIndicator", HealthIndicator.class).health();
            assertThat(health.getStatus()).isEqualTo(Status.UP);
            assertThat(health.getDetails()).containsEntry("type", "memory").containsEntry("state", "CONNECTED")
                    .containsEntry("serverRunning", true).containsKey("buffered");
        });
    }

    @Test
    void syncNotReadyInTimeFailsStartUpOrIsToleratedAndShownDown() {
        // nothing listens on port 1: connection refused at once, retried
        String[] unreachable = {"feathers4j.sync.uri=redis://127.0.0.1:1", "feathers4j.sync.key=boot-" + UUID.randomUUID(),
                "feathers4j.sync.ready-timeout=300ms"};
        Application[] app = new Application[1];
        runner.withPropertyValues(unreachable)
                .withBean(FeathersConfigurer.class, () -> (a, channels) -> app[0] = a)
                .run(ctx -> {
            assertThat(ctx).hasFailed();
            assertThat(app[0].sync().state()).isEqualTo(SyncState.CLOSED);   // no reconnecting left behind
            assertThat(ctx.getStartupFailure()).hasStackTraceContaining("feathers4j sync (redis) not ready within PT0.3S");
        });
        runner.withPropertyValues(unreachable).withPropertyValues("feathers4j.sync.fail-on-ready-timeout=false").run(ctx -> {
            assertThat(ctx).hasNotFailed();
            assertThat(ctx.getBean(FeathersServer.class).isRunning()).isTrue();
            var health = ctx.getBean("feathers4jHealthIndicator", HealthIndicator.class).health();
            assertThat(health.getStatus()).isIn(Status.OUT_OF_SERVICE, Status.DOWN);
            assertThat(health.getDetails()).containsEntry("type", "redis");
        });
    }

    @Test
    void healthFollowsTheSyncState() {
        Application app = new Application();
        FeathersHealthIndicator indicator = new FeathersHealthIndicator(app, null);
        assertThat(indicator.health().getStatus()).isEqualTo(Status.UP);
        assertThat(indicator.health().getDetails()).containsEntry("sync", "none");
        app.configure(org.feathers4j.sync.Sync.of("memory://boot-" + UUID.randomUUID()));
        app.sync().ready().join();
        assertThat(indicator.health().getStatus()).isEqualTo(Status.UP);
        app.sync().close().join();
        assertThat(indicator.health().getStatus()).isEqualTo(Status.DOWN);
        assertThat(indicator.health().getDetails()).containsEntry("state", "CLOSED").doesNotContainKey("serverRunning");
    }

    @Test
    void aSyncPluginFactoryBeanDecidesAndNullFallsThrough() {
        SyncOptions[] seen = new SyncOptions[1];
        runner.withPropertyValues("feathers4j.sync.uri=memory://boot-" + UUID.randomUUID(), "feathers4j.sync.key=kk")
                .withBean("declines", SyncPluginFactory.class, () -> options -> null)
                .withBean("records", SyncPluginFactory.class, () -> options -> {
                    seen[0] = options;
                    return org.feathers4j.sync.Sync.of(options);
                })
                .run(ctx -> {
                    assertThat(ctx).hasNotFailed();
                    assertThat(seen[0]).isNotNull();
                    assertThat(seen[0].key()).isEqualTo("kk");
                    assertThat(ctx.getBean(Application.class).hasSync()).isTrue();
                });
    }

    @Test
    void anExistingRedisClientIsReusedForRedisUrisOnly() {
        runner.withPropertyValues("feathers4j.server.enabled=false")
                .withBean(RedisClient.class, RedisClient::create, bd -> bd.setDestroyMethodName("shutdown"))
                .run(ctx -> {
                    SyncPluginFactory f = ctx.getBean(SyncPluginFactory.class);
                    assertThat(f.create(SyncOptions.uri("memory://x"))).isNull();
                    assertThat(f.create(SyncOptions.uri("nats://127.0.0.1:4222"))).isNull();
                    // a RedisClient cannot serve a cluster: Sync.of makes the adapter's own cluster client then
                    assertThat(f.create(SyncOptions.uri("redis-cluster://127.0.0.1:7000,127.0.0.1:7001"))).isNull();
                    Plugin p = f.create(SyncOptions.uri("redis://127.0.0.1:6379"));
                    assertThat(p).isNotNull();
                });
        runner.run(ctx -> assertThat(ctx).doesNotHaveBean(SyncPluginFactory.class));
        runner.withClassLoader(new FilteredClassLoader(RedisClient.class))
                .withBean(Object.class, Object::new)
                .run(ctx -> assertThat(ctx).hasNotFailed().doesNotHaveBean(SyncPluginFactory.class));
    }

    @Test
    void anExistingRabbitMqConnectionFactoryIsReusedForAmqpUrisOnly() {
        runner.withPropertyValues("feathers4j.server.enabled=false")
                .withBean(com.rabbitmq.client.ConnectionFactory.class, com.rabbitmq.client.ConnectionFactory::new)
                .run(ctx -> {
                    SyncPluginFactory f = ctx.getBean(SyncPluginFactory.class);
                    assertThat(f.create(SyncOptions.uri("redis://127.0.0.1:6379"))).isNull();
                    assertThat(f.create(SyncOptions.uri("amqp://guest:guest@127.0.0.1:5672"))).isNotNull();
                });
    }

    @Test
    void anExistingMongoClientIsReusedForMongoUrisOnly() {
        runner.withPropertyValues("feathers4j.server.enabled=false")
                .withBean(com.mongodb.client.MongoClient.class,
                        () -> com.mongodb.client.MongoClients.create("mongodb://127.0.0.1:1"), bd -> bd.setDestroyMethodName("close"))
                .run(ctx -> {
                    SyncPluginFactory f = ctx.getBean(SyncPluginFactory.class);
                    assertThat(f.create(SyncOptions.uri("nats://127.0.0.1:4222"))).isNull();
                    assertThat(f.create(SyncOptions.uri("mongodb://127.0.0.1:1/db"))).isNotNull();
                });
    }

    @Test
    @org.junit.jupiter.api.Tag("broker")
    void anExistingNatsConnectionIsReusedForNatsUrisOnly() throws Exception {
        try (io.nats.client.Connection nats = io.nats.client.Nats.connect("nats://127.0.0.1:4222")) {
            runner.withPropertyValues("feathers4j.server.enabled=false")
                    .withBean(io.nats.client.Connection.class, () -> nats)
                    .run(ctx -> {
                        SyncPluginFactory f = ctx.getBean(SyncPluginFactory.class);
                        assertThat(f.create(SyncOptions.uri("amqp://127.0.0.1"))).isNull();
                        assertThat(f.create(SyncOptions.uri("nats://127.0.0.1:4222"))).isNotNull();
                    });
        }
    }

    @Test
    void noActuatorNoHealthIndicatorNoMicrometerModuleNoBinder() {
        runner.withClassLoader(new FilteredClassLoader(HealthIndicator.class, FeathersMetrics.class)).run(ctx -> {
            assertThat(ctx).hasNotFailed().hasSingleBean(Application.class);
            assertThat(ctx).doesNotHaveBean("feathers4jHealthIndicator").doesNotHaveBean(MeterBinder.class);
        });
    }

    @Test
    void theMicrometerBinderIsCreatedByNameAndCoversTheAppAndTheServer() {
        runner.run(ctx -> {
            assertThat(ctx).hasSingleBean(MeterBinder.class).getBean(MeterBinder.class).isInstanceOf(FeathersMetrics.class);
            io.micrometer.core.instrument.simple.SimpleMeterRegistry r = new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
            ctx.getBean(MeterBinder.class).bindTo(r);
            assertThat(r.find("feathers4j.channels.connections").gauge()).isNotNull();
            assertThat(r.find("feathers4j.server.http.responses").functionCounters()).hasSize(5);
        });
        runner.withPropertyValues("feathers4j.server.enabled=false").run(ctx -> {
            io.micrometer.core.instrument.simple.SimpleMeterRegistry r = new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
            ctx.getBean(MeterBinder.class).bindTo(r);
            assertThat(r.find("feathers4j.server.http.responses").functionCounters()).isEmpty();
        });
    }

    record Thing(String itemName, Instant createdAt) {}

    static final class Things implements Service {
        @Override
        public CompletionStage<Object> get(Object id, Params params) {
            return CompletableFuture.completedFuture(new Thing("x" + id, Instant.parse("2024-05-06T07:08:09Z")));
        }
    }

    @Test
    void theContextsObjectMapperWritesRestResultsWithDatesAsIsoStrings() {
        runner.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class))
                .withPropertyValues("spring.jackson.property-naming-strategy=SNAKE_CASE")
                .withBean(ServiceRegistration.class, () -> new ServiceRegistration("things", new Things()))
                .run(ctx -> {
                    assertThat(ctx).hasNotFailed();
                    int port = ctx.getBean(FeathersServer.class).port();
                    HttpResponse<String> r = HttpClient.newHttpClient().send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/things/1")).build(),
                            HttpResponse.BodyHandlers.ofString());
                    assertThat(r.statusCode()).isEqualTo(200);
                    assertThat(new ObjectMapper().readTree(r.body()))
                            .isEqualTo(new ObjectMapper().valueToTree(Map.of("item_name", "x1", "created_at", "2024-05-06T07:08:09Z")));
                });
    }

    @Test
    void theServersMapperIsACopyThatKeepsDatesAsIsoStrings() throws Exception {
        ObjectMapper theirs = new ObjectMapper().registerModule(new JavaTimeModule())
                .enable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);
        ObjectMapper ours = FeathersAutoConfiguration.forFeathers(theirs);
        assertThat(ours).isNotSameAs(theirs);
        assertThat(theirs.isEnabled(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)).isTrue();
        assertThat(ours.writeValueAsString(new Thing("a", Instant.parse("2024-05-06T07:08:09Z"))))
                .isEqualTo("{\"item_name\":\"a\",\"created_at\":\"2024-05-06T07:08:09Z\"}");
    }
}
