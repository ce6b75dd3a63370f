/**
 * The RabbitMQ (AMQP 0-9-1) sync adapter: {@link org.feathers4j.sync.amqp.AmqpSync},
 * {@link org.feathers4j.sync.amqp.AmqpSyncConfig}, and the provider of the {@code amqp},
 * {@code amqps} and {@code rabbitmq} URI schemes.
 */
package org.feathers4j.sync.amqp;
