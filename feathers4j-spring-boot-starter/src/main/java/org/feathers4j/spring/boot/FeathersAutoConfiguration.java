package org.feathers4j.spring.boot;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.lettuce.core.RedisClient;
import java.util.Map;
import org.feathers4j.Application;
import org.feathers4j.Plugin;
import org.feathers4j.channels.Channels;
import org.feathers4j.server.FeathersServer;
import org.feathers4j.sync.Sync;
import org.feathers4j.sync.SyncOptions;
import org.feathers4j.sync.redis.RedisSync;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Auto-configuration of feathers4j: an {@link Application} from {@link ServiceRegistration} and
 * {@link FeathersConfigurer} beans, sync from {@code feathers4j.sync.uri}, a {@link FeathersServer} from
 * {@code feathers4j.server.*}, and the {@link FeathersLifecycle} that starts and stops them with the context.
 * Each bean backs off when you define your own of its type.
 */
@AutoConfiguration(afterName = {
        "org.springframework.boot.autoconfigure.jackson.JacksonAutoConfiguration",
        "org.springframework.boot.autoconfigure.data.redis.RedisAutoConfiguration"})
@EnableConfigurationProperties(FeathersProperties.class)
public class FeathersAutoConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(FeathersAutoConfiguration.class);

    /** Creates the auto-configuration. */
    public FeathersAutoConfiguration() {}

    /**
     * The application: services from {@link ServiceRegistration} beans, then the {@link FeathersConfigurer}
     * beans, then sync when {@code feathers4j.sync.uri} is set.
     *
     * @param properties    the properties
     * @param registrations the service beans
     * @param configurers   the configurer beans
     * @param syncFactories how to create the sync plugin (an existing client's, when reused)
     * @return the application, not yet set up (the life cycle does it)
     */
    @Bean
    @ConditionalOnMissingBean
    public Application feathersApplication(FeathersProperties properties,
                                           ObjectProvider<ServiceRegistration> registrations,
                                           ObjectProvider<FeathersConfigurer> configurers,
                                           ObjectProvider<SyncPluginFactory> syncFactories) {
        Application app = new Application();
        registrations.orderedStream().forEach(r -> app.use(r.path(), r.service()));
        Channels channels = Channels.of(app);
        configurers.orderedStream().forEach(c -> c.configure(app, channels));
        SyncOptions options = syncOptions(properties.getSync());
        if (options != null) {
            Plugin plugin = syncFactories.orderedStream()
                    .map(f -> f.create(options))
                    .filter(p -> p != null)
                    .findFirst()
                    .orElseGet(() -> Sync.of(options));
            app.configure(plugin);
        }
        return app;
    }

    /**
     * The sync options the properties describe, or null when {@code feathers4j.sync.uri} is not set.
     *
     * @param sync the sync properties
     * @return the options, or null
     */
    static SyncOptions syncOptions(FeathersProperties.Sync sync) {
        if (sync.getUri() == null || sync.getUri().isBlank()) return null;
        SyncOptions options = SyncOptions.uri(sync.getUri().trim());
        if (sync.getKey() != null) options.key(sync.getKey());
        if (sync.getBatch() != null) options.batch(sync.getBatch());
        if (sync.getBufferSize() != null) options.bufferSize(sync.getBufferSize());
        if (sync.getInstanceId() != null) options.instanceId(sync.getInstanceId());
        if (sync.getResume() != null) options.resume(sync.getResume());
        if (sync.getLocalFirst() != null) options.localFirst(sync.getLocalFirst());
        for (Map.Entry<String, String> e : sync.getOptions().entrySet()) options.option(e.getKey(), e.getValue());
        return options;
    }

    /**
     * The server, started by {@link FeathersLifecycle}; off with {@code feathers4j.server.enabled=false}.
     *
     * @param app        the application
     * @param properties the properties
     * @param mappers    the context's ObjectMapper, used when there is exactly one
     * @return the server, not started
     */
    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnProperty(prefix = "feathers4j.server", name = "enabled", havingValue = "true", matchIfMissing = true)
    public FeathersServer feathersServer(Application app, FeathersProperties properties,
                                         ObjectProvider<ObjectMapper> mappers) {
        FeathersProperties.Server p = properties.getServer();
        FeathersServer server = FeathersServer.create(app).host(p.getHost()).port(p.getPort());
        if (!p.getCorsOrigins().isEmpty()) server.corsOrigins(p.getCorsOrigins().toArray(String[]::new));
        if (p.getMaxPayloadBytes() != null) server.maxPayloadBytes(p.getMaxPayloadBytes());
        if (p.getMaxJsonDepth() != null) server.maxJsonDepth(p.getMaxJsonDepth());
        if (p.getIdleTimeoutMs() != null) server.idleTimeoutMs(p.getIdleTimeoutMs());
        if (p.getMaxCallsInFlight() != null) server.maxCallsInFlight(p.getMaxCallsInFlight());
        if (p.getMaxCallsPerSecond() != null) server.maxCallsPerSecond(p.getMaxCallsPerSecond());
        if (p.getThreads() != null) server.threads(p.getThreads());
        if (p.getStaticFiles() != null) server.staticFiles(p.getStaticFiles());
        if (p.isUseContextObjectMapper()) {
            ObjectMapper mapper = mappers.getIfUnique();
            if (mapper != null) server.objectMapper(forFeathers(mapper));
        }
        return server;
    }

    /**
     * A copy of the context's mapper (its modules and settings kept) that writes {@code java.time} values and
     * durations as ISO-8601 strings and empty beans as {}, as feathers4j's own mapper does.
     *
     * @param mapper the context's mapper; not changed
     * @return the mapper for the server
     */
    static ObjectMapper forFeathers(ObjectMapper mapper) {
        return mapper.copy()
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
                .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);
    }

    /**
     * Starts and stops the application and server with the context.
     *
     * @param app        the application
     * @param server     the server, when enabled
     * @param properties the properties
     * @return the life cycle
     */
    @Bean
    @ConditionalOnMissingBean
    public FeathersLifecycle feathersLifecycle(Application app, ObjectProvider<FeathersServer> server,
                                               FeathersProperties properties) {
        return new FeathersLifecycle(app, server.getIfAvailable(), properties.getSync().getReadyTimeout(),
                properties.getSync().isFailOnReadyTimeout());
    }

    /**
     * A factory that syncs through the context's client of {@code type} (when exactly one bean of it
     * exists) for URIs of the given schemes, and declines (returns {@code null}) otherwise.
     */
    static <T> SyncPluginFactory reuse(String what, ObjectProvider<T> clients, java.util.Set<String> schemes,
                                       java.util.function.BiFunction<T, SyncOptions, Plugin> with) {
        return options -> {
            T client = clients.getIfUnique();
            String scheme = options.parsedUri().getScheme();
            if (client == null || scheme == null || !schemes.contains(scheme.toLowerCase(java.util.Locale.ROOT))) {
                return null;
            }
            LOG.info("feathers4j sync reuses the context's {} for {}", what, SyncOptions.redact(options.uri()));
            return with.apply(client, options);
        };
    }

    /** Reuses the context's Lettuce {@link RedisClient} for a redis URI. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass({RedisClient.class, RedisSync.class})
    static class RedisClientReuse {
        @Bean
        @ConditionalOnBean(RedisClient.class)
        SyncPluginFactory feathersRedisClientSync(ObjectProvider<RedisClient> clients) {
            // not for redis-cluster:// (a RedisClient cannot serve a cluster): Sync.of makes the adapter's own client
            java.util.Set<String> single = new java.util.HashSet<>(RedisSync.SCHEMES);
            single.removeAll(RedisSync.CLUSTER_SCHEMES);
            return reuse("RedisClient", clients, single, RedisSync::with);
        }
    }

    /** Reuses the context's RabbitMQ {@code com.rabbitmq.client.ConnectionFactory} for an amqp URI. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = {"com.rabbitmq.client.ConnectionFactory", "org.feathers4j.sync.amqp.AmqpSync"})
    static class AmqpConnectionFactoryReuse {
        @Bean
        @ConditionalOnBean(type = "com.rabbitmq.client.ConnectionFactory")
        SyncPluginFactory feathersAmqpConnectionFactorySync(ObjectProvider<com.rabbitmq.client.ConnectionFactory> factories) {
            return reuse("RabbitMQ ConnectionFactory", factories, org.feathers4j.sync.amqp.AmqpSync.SCHEMES,
                    org.feathers4j.sync.amqp.AmqpSync::with);
        }
    }

    /** Reuses the context's NATS {@code io.nats.client.Connection} for a nats URI. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = {"io.nats.client.Connection", "org.feathers4j.sync.nats.NatsSync"})
    static class NatsConnectionReuse {
        @Bean
        @ConditionalOnBean(type = "io.nats.client.Connection")
        SyncPluginFactory feathersNatsConnectionSync(ObjectProvider<io.nats.client.Connection> connections) {
            return reuse("NATS Connection", connections, org.feathers4j.sync.nats.NatsSync.SCHEMES,
                    org.feathers4j.sync.nats.NatsSync::with);
        }
    }

    /** Reuses the context's {@code com.mongodb.client.MongoClient} for a mongodb URI. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = {"com.mongodb.client.MongoClient", "org.feathers4j.sync.mongodb.MongoSync"})
    static class MongoClientReuse {
        @Bean
        @ConditionalOnBean(type = "com.mongodb.client.MongoClient")
        SyncPluginFactory feathersMongoClientSync(ObjectProvider<com.mongodb.client.MongoClient> clients) {
            return reuse("MongoClient", clients, org.feathers4j.sync.mongodb.MongoSync.SCHEMES,
                    (client, options) -> org.feathers4j.sync.mongodb.MongoSync.with(client, options));
        }
    }
}
