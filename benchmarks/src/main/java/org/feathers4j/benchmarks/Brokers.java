package org.feathers4j.benchmarks;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.nats.client.Nats;
import io.nats.client.Options;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.feathers4j.sync.SyncOptions;

/** The brokers' URIs (overridable by environment variables), reachability, versions, cleanup. */
final class Brokers {

    private Brokers() {
    }

    static String uri(String broker) {
        return switch (broker) {
            case "redis" -> env("FEATHERS4J_REDIS_URI", "redis://127.0.0.1:6379");
            case BenchConfig.CLUSTER -> env("FEATHERS4J_REDIS_CLUSTER_URI",
                    "redis-cluster://127.0.0.1:7000,127.0.0.1:7001,127.0.0.1:7002");
            case "amqp" -> env("FEATHERS4J_AMQP_URI", "amqp://guest:guest@127.0.0.1:5672");
            case "nats" -> env("FEATHERS4J_NATS_URI", "nats://127.0.0.1:4222");
            case "mongodb" -> env("FEATHERS4J_MONGODB_URI", "mongodb://127.0.0.1:27017/feathers4j_bench");
            case "kafka" -> env("FEATHERS4J_KAFKA_URI", "kafka://127.0.0.1:9092");
            default -> throw new IllegalArgumentException("unknown broker " + broker);
        };
    }

    private static String env(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : v;
    }

    /** Whether the broker's port accepts a TCP connection within a second. */
    static boolean reachable(String broker) {
        // a cluster URI lists several hosts (java.net.URI finds none): its first seed
        URI u = URI.create(broker.equals(BenchConfig.CLUSTER) ? firstSeed() : uri(broker));
        int port = u.getPort() > 0 ? u.getPort() : switch (broker) {
            case "redis" -> 6379;
            case "amqp" -> 5672;
            case "nats" -> 4222;
            case "kafka" -> 9092;
            default -> 27017;
        };
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(u.getHost(), port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** The broker's version as it reports it, or a short reason why not. */
    static String version(String broker) {
        try {
            switch (broker) {
                case "redis", BenchConfig.CLUSTER -> {
                    RedisClient c = RedisClient.create(broker.equals("redis") ? uri(broker) : firstSeed());
                    try (StatefulRedisConnection<String, String> conn = c.connect()) {
                        for (String l : conn.sync().info("server").split("\r?\n")) {
                            if (l.startsWith("redis_version:")) {
                                return (broker.equals("redis") ? "Redis " : "Redis Cluster ") + l.substring(14).trim();
                            }
                        }
                        return "Redis ?";
                    } finally {
                        c.shutdown();
                    }
                }
                case "amqp" -> {
                    ConnectionFactory f = new ConnectionFactory();
                    f.setUri(uri(broker));
                    try (Connection conn = f.newConnection("feathers4j-bench-info")) {
                        Map<String, Object> p = conn.getServerProperties();
                        return p.get("product") + " " + p.get("version");
                    }
                }
                case "nats" -> {
                    try (io.nats.client.Connection nc = Nats.connect(new Options.Builder().server(uri(broker))
                            .connectionTimeout(Duration.ofSeconds(3)).build())) {
                        return "NATS " + nc.getServerInfo().getVersion();
                    }
                }
                case "kafka" -> {
                    try (org.apache.kafka.clients.admin.Admin admin = kafkaAdmin()) {
                        var f = admin.describeFeatures().featureMetadata().get(10, java.util.concurrent.TimeUnit.SECONDS);
                        var mv = f.finalizedFeatures().get("metadata.version");
                        return "Kafka (KRaft, metadata.version level " + (mv == null ? "?" : mv.maxVersionLevel()) + "; client "
                                + org.apache.kafka.common.utils.AppInfoParser.getVersion() + ")";
                    }
                }
                default -> {
                    return broker;
                }
            }
        } catch (Exception e) {
            return broker + " (version unknown: " + e.getClass().getSimpleName() + ")";
        }
    }

    /** Deletes what a run left on the broker (feathers-sync's AMQP exchanges are not auto-delete). */
    /**
     * Removes what a configuration left on the broker under its key: the AMQP exchange, the Redis stream of
     * streams mode ({@code {key}:stream}), the JetStream stream whose subjects hold the key. Never throws.
     */
    static void cleanup(String broker, String key) {
        try {
            switch (broker) {
                case "amqp" -> {
                    ConnectionFactory f = new ConnectionFactory();
                    f.setUri(uri(broker));
                    try (Connection conn = f.newConnection("feathers4j-bench-cleanup"); Channel ch = conn.createChannel()) {
                        ch.exchangeDelete(key);
                    }
                }
                case "redis" -> {
                    RedisClient c = RedisClient.create(uri(broker));
                    try (StatefulRedisConnection<String, String> conn = c.connect()) {
                        conn.sync().del("{" + key + "}:stream");
                    } finally {
                        c.shutdown();
                    }
                }
                case BenchConfig.CLUSTER -> { // the stream and cursors share the {key} hash tag: one slot
                    io.lettuce.core.cluster.RedisClusterClient c = io.lettuce.core.cluster.RedisClusterClient.create(
                            io.lettuce.core.RedisURI.create(firstSeed()));
                    try (var conn = c.connect()) {
                        java.util.List<String> keys = conn.sync().keys("{" + key + "}:*");
                        if (!keys.isEmpty()) conn.sync().del(keys.toArray(String[]::new));
                    } finally {
                        c.shutdown();
                    }
                }
                case "nats" -> {
                    try (io.nats.client.Connection nc = Nats.connect(new Options.Builder().server(uri(broker))
                            .connectionTimeout(Duration.ofSeconds(5)).build())) {
                        io.nats.client.JetStreamManagement jsm = nc.jetStreamManagement();
                        for (io.nats.client.api.StreamInfo si : jsm.getStreams()) {
                            if (si.getConfiguration().getSubjects().contains(key)) jsm.deleteStream(si.getConfiguration().getName());
                        }
                    }
                }
                case "kafka" -> {
                    try (org.apache.kafka.clients.admin.Admin admin = kafkaAdmin()) {
                        // the adapter's topic and the raw driver's; a missing one is reported per topic and ignored
                        admin.deleteTopics(java.util.List.of("feathers4j-sync." + key, key)).topicNameValues().values().forEach(f -> {
                            try {
                                f.get(15, java.util.concurrent.TimeUnit.SECONDS);
                            } catch (Exception missing) {
                                // not made by this configuration
                            }
                        });
                    }
                }
                default -> { }
            }
        } catch (Exception e) {
            System.err.println("bench: could not clean up " + broker + " key " + key + ": " + e.getMessage());
        }
    }

    private static org.apache.kafka.clients.admin.Admin kafkaAdmin() {
        String u = uri("kafka");
        String hosts = u.substring(u.indexOf("://") + 3);
        if (hosts.contains("?")) hosts = hosts.substring(0, hosts.indexOf('?'));
        return org.apache.kafka.clients.admin.Admin.create(Map.of("bootstrap.servers", hosts, "default.api.timeout.ms", 15_000,
                "request.timeout.ms", 10_000));
    }

    /**
     * utime+stime of the broker's server processes on this machine, found by {@code /proc/<pid>/comm}
     * (redis-server, RabbitMQ's beam.smp, nats-server, mongod, a java process running kafka.Kafka), or -1 when none is found (e.g. a
     * remote broker).
     */
    static long cpuTicks(String broker) {
        String needle = switch (broker) {
            case "redis", BenchConfig.CLUSTER -> "redis-server";
            case "amqp" -> "beam.smp";
            case "nats" -> "nats-server";
            case "mongodb" -> "mongod";
            case "kafka" -> "java"; // and kafka.Kafka on its command line, below
            default -> null;
        };
        if (needle == null) return -1;
        long total = 0;
        boolean found = false;
        try (java.nio.file.DirectoryStream<java.nio.file.Path> procs = java.nio.file.Files.newDirectoryStream(
                java.nio.file.Path.of("/proc"), "[0-9]*")) {
            for (java.nio.file.Path dir : procs) {
                String comm;
                try {
                    comm = java.nio.file.Files.readString(dir.resolve("comm")).trim();
                } catch (java.io.IOException e) {
                    continue; // gone
                }
                if (!comm.equals(needle)) continue;
                if (broker.equals("kafka") && !isKafkaBroker(dir)) continue;
                long t = ProcStats.sample(Long.parseLong(dir.getFileName().toString())).cpuTicks();
                if (t >= 0) {
                    total += t;
                    found = true;
                }
            }
        } catch (java.io.IOException | RuntimeException e) {
            return -1;
        }
        return found ? total : -1;
    }

    private static boolean isKafkaBroker(java.nio.file.Path proc) {
        try {
            return new String(java.nio.file.Files.readAllBytes(proc.resolve("cmdline")), java.nio.charset.StandardCharsets.UTF_8)
                    .contains("kafka.Kafka");
        } catch (java.io.IOException e) {
            return false;
        }
    }

    /** The first seed node of the cluster URI, as a {@code redis://} URI (user info and query dropped). */
    static String firstSeed() {
        String u = uri(BenchConfig.CLUSTER);
        String rest = u.substring(u.indexOf("://") + 3);
        rest = rest.substring(rest.lastIndexOf('@') + 1);
        int end = rest.length();
        for (char ch : new char[] {',', '/', '?'}) if (rest.indexOf(ch) >= 0) end = Math.min(end, rest.indexOf(ch));
        return "redis://" + rest.substring(0, end);
    }

    static String redacted(String broker) {
        return SyncOptions.redact(uri(broker));
    }
}
