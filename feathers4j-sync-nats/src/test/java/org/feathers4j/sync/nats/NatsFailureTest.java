package org.feathers4j.sync.nats;

import static org.feathers4j.sync.FailureAssertions.assertStartFailsOnceAndStops;

import io.nats.client.Options;
import io.nats.client.impl.SocketDataPort;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.feathers4j.sync.SyncOptions;
import org.feathers4j.sync.SyncTestApps;
import org.feathers4j.sync.spi.SyncAdapter;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** No silent failure, against the shared NATS server: an error from the class path ends in FAILED, logged, at once. */
@Tag("broker")
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class NatsFailureTest {

    /**
     * The client's socket layer, which the client makes from its class name on every connection
     * attempt, meeting a missing class as it is set up.
     */
    public static final class MissingClassDataPort extends SocketDataPort {
        @Override
        public void afterConstruct(Options options) {
            throw new NoClassDefFoundError("io/nats/client/impl/SomethingMissing");
        }
    }

    @Test
    void aMissingClassWhenConnectingFailsTheAdapterVisiblyWithoutRetrying() {
        String uri = NatsTestSupport.natsUri();
        Consumer<Options.Builder> broken = b -> b.dataPortType(MissingClassDataPort.class.getName());
        SyncOptions options = SyncOptions.uri(uri).key(SyncTestApps.uniqueKey("nats")).option("natsOptions", broken);
        SyncAdapter adapter = NatsSync.adapter(options, NatsSyncConfig.from(options));
        assertStartFailsOnceAndStops(adapter, NoClassDefFoundError.class);
    }
}
