/**
 * The NATS adapter's implementation, not an API: {@code NatsSyncAdapter} (life cycle, publish,
 * subscription), the client options it connects with, its error listener and the sorting of client
 * failures into {@code SyncException} reasons. Use {@link org.feathers4j.sync.nats.NatsSync}.
 */
package org.feathers4j.sync.nats.internal;
