package org.feathers4j.sync.amqp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.feathers4j.sync.FailureAssertions.assertFailedVisibly;

import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.impl.FrameHandlerFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.feathers4j.sync.LogCapture;
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
        try (LogCapture log = LogCapture.start()) {
            var buffered = adapter.publish("{}".getBytes(StandardCharsets.UTF_8));
            adapter.start(m -> { });
            assertFailedVisibly(adapter, NoClassDefFoundError.class, log, Duration.ofSeconds(5));
            await().atMost(Duration.ofSeconds(2)).until(buffered::isDone); // failed just after the state is set
            assertThat(buffered).isCompletedExceptionally();
            assertThat(adapter.counters()).containsEntry("connectAttempts", 1L); // not retried
        } finally {
            adapter.close().orTimeout(15, TimeUnit.SECONDS).join();
        }
    }
}
