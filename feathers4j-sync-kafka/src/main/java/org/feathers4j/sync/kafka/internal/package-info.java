/**
 * The Kafka adapter's implementation, not an API: {@code KafkaSyncAdapter} (life cycle, publish,
 * state), {@code TopicReader} (reading every partition, offsets, gaps), {@code TopicSetup} (the
 * topic), the client properties, the URI parser and the sorting of client failures into
 * {@code SyncException} reasons. Use {@link org.feathers4j.sync.kafka.KafkaSync}.
 */
package org.feathers4j.sync.kafka.internal;
