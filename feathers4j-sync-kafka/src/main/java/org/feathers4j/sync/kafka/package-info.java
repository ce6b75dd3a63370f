/**
 * Sync through Apache Kafka: {@link org.feathers4j.sync.kafka.KafkaSync} (plugin and adapter factory),
 * {@link org.feathers4j.sync.kafka.KafkaSyncConfig} (settings, defaults and the client properties hook) and
 * {@link org.feathers4j.sync.kafka.KafkaSyncAdapterProvider}, which serves {@code kafka://} URIs to
 * {@code Sync.of(uri)}.
 */
package org.feathers4j.sync.kafka;
