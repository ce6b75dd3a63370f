package org.feathers4j.benchmarks.instance;

import org.feathers4j.channels.Channels;
import org.feathers4j.channels.Connection;
import org.feathers4j.server.FeathersServer;
import org.feathers4j.server.Transport;

/**
 * A synced instance that also serves Socket.IO clients (websocket) on a port: every connection
 * joins the channel {@code everybody}, to which every event is published — the fan-out case.
 */
final class FanoutDriver extends SyncDriver {

    private final int port;
    private FeathersServer server;
    private Channels channels;

    FanoutDriver(String uri, String key, int port) {
        super(uri, key, false);
        this.port = port;
    }

    @Override
    public void start(Recorder recorder) throws Exception {
        channels = Channels.of(app);
        app.on("connection", a -> channels.channel("everybody").join((Connection) a[0]));
        channels.publish((data, ctx) -> channels.channel("everybody"));
        super.start(recorder);
        server = FeathersServer.create(app).host("127.0.0.1").port(port).transports(Transport.WEBSOCKET).start();
    }

    @Override
    public String counters() {
        return "connections=" + channels.connections().size() + " sent=" + channels.sentCount() + " " + super.counters();
    }

    @Override
    public void close() throws Exception {
        if (server != null) server.stop();
        super.close();
    }
}
