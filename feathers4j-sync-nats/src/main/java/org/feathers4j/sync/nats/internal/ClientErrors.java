package org.feathers4j.sync.nats.internal;

import static org.feathers4j.sync.nats.internal.NatsFailures.clean;

import io.nats.client.Connection;
import io.nats.client.Consumer;
import io.nats.client.ErrorListener;
import org.feathers4j.sync.spi.support.SyncFailures;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The adapter's jnats error listener: server errors and client exceptions are counted and recorded
 * as the last error (a {@code SyncException} with its reason); a class path problem fails the
 * adapter, on its worker rather than the client's thread; slow-consumer drops are logged.
 */
final class ClientErrors implements ErrorListener {

    private static final Logger LOG = LoggerFactory.getLogger(NatsSyncAdapter.class);

    private final NatsSyncAdapter adapter;

    ClientErrors(NatsSyncAdapter adapter) {
        this.adapter = adapter;
    }

    @Override
    public void errorOccurred(Connection conn, String error) {
        adapter.countClientError();
        String e = clean(error);
        adapter.clientError(NatsFailures.of(NatsFailures.serverErrorReason(error), "NATS server error: " + e, null));
        if (!adapter.isStopped()) LOG.warn("nats sync: server {} reported an error: {}", adapter.where(), e);
    }

    @Override
    public void exceptionOccurred(Connection conn, Exception exp) {
        adapter.countClientError();
        if (SyncFailures.isUnrecoverable(exp)) {
            // e.g. a message handler or the reader met a missing class
            adapter.unexpectedLater(exp);
            return;
        }
        adapter.clientError(NatsFailures.clientException(exp, adapter.where()));
        if (!adapter.isStopped()) LOG.debug("nats sync: client exception on {}: {}", adapter.where(), clean(exp.getMessage()));
    }

    @Override
    public void slowConsumerDetected(Connection conn, Consumer consumer) {
        LOG.warn("nats sync: slow consumer on {}: the client's pending limit was reached and messages were dropped "
                + "({} so far)", adapter.where(), consumer.getDroppedCount());
    }
}
