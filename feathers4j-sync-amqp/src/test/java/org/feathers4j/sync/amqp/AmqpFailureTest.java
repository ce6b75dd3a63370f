package org.feathers4j.sync.amqp;

import static org.feathers4j.sync.FailureAssertions.assertStartFailsOnceAndStops;

import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.impl.FrameHandlerFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.feathers4j.sync.spi.SyncAdapter;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** No silent failure, against the shared RabbitMQ: an error from the class path ends in FAILED, logged, at once. */
@Tag("broker")
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AmqpFailureTest {

    /**
     * A factory for the shared broker whose socket layer cannot be made, as when a class of it is
     * missing: the client throws NoClassDefFoundError from {@code newConnection} on the adapter's
     * scheduler thread.
     */
    static final class BrokenFactory extends ConnectionFactory {
        final AtomicInteger attempts = new AtomicInteger();

        @Override
        protected synchronized FrameHandlerFactory createFrameHandlerFactory() {
            attempts.incrementAndGet();
            throw new NoClassDefFoundError("com/rabbitmq/client/impl/SocketFrameHandlerFactory");
        }
    }

    @Test
    void aMissingClassWhenConnectingFailsTheAdapterVisiblyWithoutRetrying() throws Exception {
        AmqpTestSupport.requireBroker();
        BrokenFactory factory = new BrokenFactory();
        factory.setUri(AmqpTestSupport.URI);
        var options = AmqpTestSupport.options(AmqpTestSupport.URI, AmqpTestSupport.uniqueKey());
        SyncAdapter adapter = AmqpSync.adapter(factory, options, AmqpSyncConfig.from(options));
        assertStartFailsOnceAndStops(adapter, NoClassDefFoundError.class);
    }
}
