/**
 * The RabbitMQ adapter's implementation, not an API: {@link org.feathers4j.sync.amqp.internal.AmqpSyncAdapter}
 * (life cycle) with its {@code Connector}, {@code Topology}, {@code Publisher}, {@code Consumer} and
 * {@code AmqpFailures}. Use {@link org.feathers4j.sync.amqp.AmqpSync} instead.
 */
package org.feathers4j.sync.amqp.internal;
