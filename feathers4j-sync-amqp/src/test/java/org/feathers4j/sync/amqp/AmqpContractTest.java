package org.feathers4j.sync.amqp;

import org.feathers4j.sync.SyncAdapterContract;
import org.feathers4j.sync.SyncOptions;
import org.junit.jupiter.api.Tag;

/** The adapter contract against the shared RabbitMQ. */
@Tag("broker")
class AmqpContractTest extends SyncAdapterContract {

    @Override
    protected SyncOptions options(String key) {
        return AmqpTestSupport.options(AmqpTestSupport.URI, key);
    }

    @Override
    protected void cleanUp() {
        AmqpTestSupport.deleteExchange(key);
    }
}
