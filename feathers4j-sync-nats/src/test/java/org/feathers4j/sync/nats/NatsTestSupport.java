package org.feathers4j.sync.nats;

import static org.assertj.core.api.Assertions.fail;

import java.net.URI;
import org.feathers4j.sync.SyncTestApps;

/** The shared NATS server of the tests (the apps, keys and ports come from {@link SyncTestApps}). */
final class NatsTestSupport {

    /** Environment variable overriding the shared NATS server. */
    static final String ENV_URI = "FEATHERS4J_NATS_URI";

    private NatsTestSupport() {
    }

    /** The shared NATS server's URI; fails the test with a clear message when it is not reachable. */
    static String natsUri() {
        String uri = System.getenv(ENV_URI);
        if (uri == null || uri.isBlank()) uri = "nats://127.0.0.1:4222";
        URI u = URI.create(uri);
        int port = u.getPort() < 0 ? 4222 : u.getPort();
        if (!SyncTestApps.portOpen(u.getHost(), port)) {
            fail("NATS is not reachable at " + u.getHost() + ":" + port
                    + ". Start it with scripts/services.sh nats, or point " + ENV_URI + " at a NATS server.");
        }
        return uri;
    }
}
