/**
 * Sync through NATS: {@link org.feathers4j.sync.nats.NatsSync} (plugin and adapter factory),
 * {@link org.feathers4j.sync.nats.NatsSyncConfig} (settings, defaults and the jnats options hook) and
 * {@link org.feathers4j.sync.nats.NatsSyncAdapterProvider}, which serves {@code nats://} and
 * {@code tls://} URIs to {@code Sync.of(uri)}.
 */
package org.feathers4j.sync.nats;
