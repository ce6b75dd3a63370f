package org.feathers4j.spring.boot;

import java.util.Map;
import org.feathers4j.Application;
import org.feathers4j.SyncState;
import org.feathers4j.SyncStatus;
import org.feathers4j.server.FeathersServer;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;

/**
 * Health of feathers4j (component {@code feathers4j}): UP when sync is CONNECTED (or no sync is
 * configured), OUT_OF_SERVICE while CONNECTING or DISCONNECTED (events are buffered), DOWN when FAILED or CLOSED.
 * Details: sync type, state, buffered count, last error message, and whether the server runs and its port.
 */
public class FeathersHealthIndicator implements HealthIndicator {

    private final Application app;
    private final FeathersServer server;

    /**
     * Creates the indicator.
     *
     * @param app    the application
     * @param server the server, or null
     */
    public FeathersHealthIndicator(Application app, FeathersServer server) {
        this.app = app;
        this.server = server;
    }

    @Override
    public Health health() {
        Health.Builder b;
        if (!app.hasSync()) {
            b = Health.up().withDetail("sync", "none");
        } else {
            SyncStatus s = app.sync();
            SyncState state = s.state();
            b = switch (state) {
                case CONNECTED -> Health.up();
                case FAILED, CLOSED -> Health.down();
                default -> Health.outOfService();
            };
            b.withDetail("type", s.type()).withDetail("state", state.name());
            Map<String, Long> counters = s.counters();
            Long buffered = counters.get("buffered");
            if (buffered != null) b.withDetail("buffered", buffered);
            Throwable error = s.lastError();
            if (error != null) b.withDetail("lastError", String.valueOf(error.getMessage()));
        }
        if (server != null) {
            b.withDetail("serverRunning", server.isRunning());
            if (server.isRunning()) b.withDetail("port", server.port());
        }
        return b.build();
    }
}
