/**
 * Sync through NATS: {@link org.feathers4j.sync.nats.NatsSync} (plugin and adapter factory),
 * {@link org.feathers4j.sync.nats.NatsSyncConfig} (settings and defaults) and the provider that
 * serves {@code nats://} and {@code tls://} URIs to {@code Sync.of(uri)}.
 */
package org.feathers4j.sync.nats;
