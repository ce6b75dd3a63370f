package org.feathers4j.spring.boot;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.feathers4j.Application;
import org.feathers4j.server.FeathersServer;
import org.feathers4j.sync.SyncOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.SmartLifecycle;

/**
 * Starts feathers4j with the context and stops it first on shutdown. Start: waits (bounded by
 * {@code feathers4j.sync.ready-timeout}) for sync to be ready, then sets the application up and starts
 * the server, so clients are only accepted once events can reach the other instances. Stop: the server
 * stops accepting and closes its connections, then the application tears down (services' teardown, then
 * sync closes after publishing what it still holds); without a server, the application tears down.
 */
public class FeathersLifecycle implements SmartLifecycle, DisposableBean {

    private static final Logger LOG = LoggerFactory.getLogger(FeathersLifecycle.class);

    /**
     * Phase {@code Integer.MAX_VALUE - 4096}: below Boot's web server phases (start {@code MAX_VALUE - 1024},
     * graceful shutdown {@code MAX_VALUE - 2048}), so feathers4j is started before the web server serves
     * (e.g. /actuator/health) and stopped after the web server's graceful shutdown.
     */
    public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 4096;

    private final Application app;
    private final FeathersServer server;
    private final Duration readyTimeout;
    private final boolean failOnReadyTimeout;
    private volatile boolean running;

    /**
     * Creates the life cycle.
     *
     * @param app                the application
     * @param server             the server, or null when disabled
     * @param readyTimeout       how long start waits for sync
     * @param failOnReadyTimeout whether start fails when sync is not ready in time
     */
    public FeathersLifecycle(Application app, FeathersServer server, Duration readyTimeout, boolean failOnReadyTimeout) {
        this.app = app;
        this.server = server;
        this.readyTimeout = readyTimeout;
        this.failOnReadyTimeout = failOnReadyTimeout;
    }

    @Override
    public synchronized void start() {
        if (running) return;
        if (app.hasSync()) awaitSync();
        if (server != null) {
            server.start();
        } else if (!app.isSetUp()) {
            app.setup().join();
        }
        running = true;
    }

    private void awaitSync() {
        try {
            app.sync().ready().get(readyTimeout.toMillis(), TimeUnit.MILLISECONDS);
            LOG.info("feathers4j sync ({}) ready", app.sync().type());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for feathers4j sync", e);
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : app.sync().lastError();
            String message = "feathers4j sync (" + app.sync().type() + ") not ready within " + readyTimeout
                    + (cause == null ? "" : ": " + SyncOptions.redact(String.valueOf(cause.getMessage())));
            if (failOnReadyTimeout) {
                closeSync();
                throw new IllegalStateException(message + " (feathers4j.sync.fail-on-ready-timeout=false starts anyway)",
                        cause == null ? e : cause);
            }
            LOG.warn("{}; starting anyway, events are buffered until it connects", message);
        }
    }

    @Override
    public synchronized void stop() {
        if (!running) return;
        running = false;
        if (server != null) {
            server.stop();   // stops accepting, closes connections, then tears the app down (sync closes last)
        } else if (app.isSetUp()) {
            await(app.teardown(), "the feathers4j application did not tear down cleanly");
        }
    }

    /**
     * Stops, and closes sync if start never ran (a context that failed to start): the adapter's
     * connections and reconnect timers must not outlive the context.
     */
    @Override
    public void destroy() {
        stop();
        closeSync();
    }

    private void closeSync() {
        if (app.hasSync()) await(app.sync().close(), "feathers4j sync did not close cleanly");
    }

    private static void await(CompletableFuture<Void> done, String warning) {
        try {
            done.get(FeathersServer.TEARDOWN_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn(warning, e);
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return PHASE;
    }
}
