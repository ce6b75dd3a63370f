package org.feathers4j.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.feathers4j.Application;
import org.feathers4j.SyncState;
import org.feathers4j.memory.MemoryService;
import org.feathers4j.sync.Sync;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Configuration is refused while running; stop() tears the application down, once. */
@Timeout(60)
class FeathersServerLifecycleTest {

    /** A memory service that counts its setup and teardown calls. */
    static final class Counting extends MemoryService {
        final AtomicInteger setups = new AtomicInteger();
        final AtomicInteger teardowns = new AtomicInteger();

        @Override
        public CompletableFuture<Void> setup(Application app, String path) {
            setups.incrementAndGet();
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletableFuture<Void> teardown(Application app, String path) {
            teardowns.incrementAndGet();
            return CompletableFuture.completedFuture(null);
        }
    }

    @Test
    void settersThrowWhileRunningAndWorkAgainAfterStop() {
        Application app = new Application();
        app.use("messages", new MemoryService());
        FeathersServer server = FeathersServer.create(app).host("127.0.0.1").port(0).start();
        try {
            assertThatThrownBy(() -> server.port(4000)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("configure it before start()");
            assertThatThrownBy(() -> server.corsOrigins("https://example.com")).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> server.maxPayloadBytes(4096)).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(server::start).isInstanceOf(IllegalStateException.class).hasMessageContaining("already started");
        } finally {
            server.stop();
        }
        assertThat(server.isRunning()).isFalse();
        server.maxPayloadBytes(4096).port(0);   // allowed again once stopped
    }

    @Test
    void stopTearsTheApplicationDownOnceIncludingSync() {
        Application app = new Application();
        Counting messages = new Counting();
        app.use("messages", messages);
        app.configure(Sync.of("memory://lifecycle-" + System.nanoTime()));
        FeathersServer server = FeathersServer.create(app).host("127.0.0.1").port(0).start();
        assertThat(messages.setups).hasValue(1);
        assertThat(app.isSetUp()).isTrue();
        assertThat(app.sync().state()).isEqualTo(SyncState.CONNECTED);

        server.stop();
        assertThat(messages.teardowns).hasValue(1);
        assertThat(app.isSetUp()).isFalse();
        assertThat(app.sync().state()).isEqualTo(SyncState.CLOSED);

        server.stop();
        server.close();
        assertThat(messages.teardowns).as("stop is idempotent").hasValue(1);
    }

    @Test
    void stoppingAServerThatNeverStartedLeavesTheApplicationAlone() {
        Application app = new Application();
        Counting messages = new Counting();
        app.use("messages", messages);
        app.setup().join();
        FeathersServer.create(app).stop();
        assertThat(messages.teardowns).hasValue(0);
        assertThat(app.isSetUp()).isTrue();
    }
}
