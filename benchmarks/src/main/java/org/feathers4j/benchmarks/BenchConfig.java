package org.feathers4j.benchmarks;

import java.util.ArrayList;
import java.util.List;

/**
 * One configuration measured: who sends and receives (feathers4j, Node feathers-sync, a raw Java
 * or raw Node client) through which broker.
 *
 * @param name   e.g. {@code feathers4j-redis}
 * @param family {@code feathers4j}, {@code feathers4j batch} (option {@code batch} on), {@code feathers4j direct}
 *               (Redis option {@code directDelivery} on), {@code feathers4j durable}
 *               (Redis Streams, NATS JetStream) and {@code feathers4j durable batch}, {@code feathers-sync}, {@code raw Java} or {@code raw Node}
 * @param broker {@code redis}, {@code amqp}, {@code nats}, {@code kafka}, ...
 * @param node   whether the instances are Node processes
 * @param mode   the instance's mode argument: {@code sync}, {@code sync-batch}, {@code sync-direct} or {@code raw-<broker>}
 */
record BenchConfig(String name, String family, String broker, boolean node, String mode) {

    static final String F4J = "feathers4j";
    static final String F4J_BATCH = "feathers4j batch";
    /** Redis pub/sub with {@code directDelivery}: listeners on Lettuce's I/O thread, no hand-off to a delivery thread. */
    static final String F4J_DIRECT = "feathers4j direct";
    /** The durable mode of the broker's adapter: Redis Streams, NATS JetStream. */
    static final String F4J_DURABLE = "feathers4j durable";
    static final String F4J_DURABLE_BATCH = "feathers4j durable batch";
    static final String FS = "feathers-sync";
    static final String RAW_JAVA = "raw Java";
    static final String RAW_NODE = "raw Node";
    /** The broker name of a Redis Cluster. */
    static final String CLUSTER = "redis-cluster";

    /** Every configuration, in report order: per broker, feathers4j, feathers4j batch, feathers-sync, raw Java, raw Node. */
    static List<BenchConfig> all() {
        List<BenchConfig> out = new ArrayList<>();
        for (String b : List.of("redis", "amqp", "nats")) {
            out.add(new BenchConfig("feathers4j-" + b, F4J, b, false, "sync"));
            if (b.equals("redis")) out.add(new BenchConfig("feathers4j-direct-redis", F4J_DIRECT, b, false, "sync-direct"));
            // NATS publishes complete at once (no broker acknowledgement), so nothing is ever in flight to batch behind
            if (!b.equals("nats")) out.add(new BenchConfig("feathers4j-batch-" + b, F4J_BATCH, b, false, "sync-batch"));
            if (!b.equals("amqp")) { // AMQP's only mode is durable already
                out.add(new BenchConfig("feathers4j-durable-" + b, F4J_DURABLE, b, false, "sync"));
                out.add(new BenchConfig("feathers4j-durable-batch-" + b, F4J_DURABLE_BATCH, b, false, "sync-batch"));
            }
            out.add(new BenchConfig("feathers-sync-" + b, FS, b, true, "sync"));
            out.add(new BenchConfig("raw-java-" + b, RAW_JAVA, b, false, "raw-" + b));
            // what RabbitMQ costs with feathers4j-amqp's no-loss settings, without feathers4j
            if (b.equals("amqp")) out.add(new BenchConfig("raw-java-durable-amqp", RAW_JAVA, b, false, "raw-amqp-durable"));
            out.add(new BenchConfig("raw-node-" + b, RAW_NODE, b, true, "raw-" + b));
        }
        // Kafka: durable only, no Node feathers-sync adapter; the raw baseline is kafka-clients with the same producer settings
        out.add(new BenchConfig("feathers4j-kafka", F4J, "kafka", false, "sync"));
        out.add(new BenchConfig("feathers4j-batch-kafka", F4J_BATCH, "kafka", false, "sync-batch"));
        out.add(new BenchConfig("raw-java-kafka", RAW_JAVA, "kafka", false, "raw-kafka"));
        // Redis Cluster (scripts/services.sh redis-cluster): sharded pub/sub and streams, beside single Redis above
        out.add(new BenchConfig("feathers4j-cluster-redis", F4J, CLUSTER, false, "sync"));
        out.add(new BenchConfig("feathers4j-batch-cluster-redis", F4J_BATCH, CLUSTER, false, "sync-batch"));
        out.add(new BenchConfig("feathers4j-durable-batch-cluster-redis", F4J_DURABLE_BATCH, CLUSTER, false, "sync-batch"));
        out.add(new BenchConfig("feathers4j-mongodb", F4J, "mongodb", false, "sync"));
        return out;
    }

    /** The broker URI with the adapter mode of this configuration: the durable modes add {@code mode=}. */
    String uri(String brokerUri) {
        if (!family.startsWith(F4J_DURABLE)) return brokerUri;
        String sep = brokerUri.contains("?") ? "&" : "?";
        return brokerUri + sep + switch (broker) {
            case "redis", CLUSTER -> "mode=streams";
            case "nats" -> "mode=jetstream";
            default -> throw new IllegalStateException("no durable mode configured for " + broker);
        };
    }

    /** Burst size this configuration can take on this machine (its warm-up: a fifth of it). */
    int maxEvents() {
        // feathers-sync's NATS adapter opens a connection per event, all at once during a burst:
        // 20,000 exceed the 20,000 file descriptors a process may have here, and it crashes (EMFILE)
        return name.equals("feathers-sync-nats") ? FS_NATS_MAX_EVENTS : Integer.MAX_VALUE;
    }

    static final int FS_NATS_MAX_EVENTS = 10_000;

    /** The feathers-sync configuration on the same broker (the ratio's denominator). */
    String baselineName() {
        return "feathers-sync-" + (broker.equals(CLUSTER) ? "redis" : broker); // feathers-sync has no cluster mode
    }
}
