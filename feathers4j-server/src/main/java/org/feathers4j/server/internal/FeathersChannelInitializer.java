package org.feathers4j.server.internal;

import com.corundumstudio.socketio.Configuration;
import com.corundumstudio.socketio.SocketIOChannelInitializer;
import com.corundumstudio.socketio.handler.EncoderHandler;
import com.corundumstudio.socketio.namespace.NamespacesHub;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelPipeline;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * netty-socketio's pipeline with six changes: the {@link SlowClientGuard} first, the lossless polling encoder, our CORS handler
 * right after the HTTP encoder, an honest {@code Connection: close} on netty-socketio's HTTP answers
 * ({@link SocketIoConnectionClose}), the {@link PayloadSplitter} before the packet handler, and the
 * REST/static handler before the Socket.IO encoder (requests outside {@code /socket.io/} reach it;
 * its responses go straight to the HTTP encoder).
 */
public final class FeathersChannelInitializer extends SocketIOChannelInitializer {

    private static final PayloadSplitter SPLITTER = new PayloadSplitter();

    private final ChannelHandler rest;
    private final CorsAccess cors;
    private final FlowLimits limits;
    private final ServerCounters counters;
    private volatile EncoderHandler encoder;
    private volatile String context;

    public FeathersChannelInitializer(ChannelHandler rest, CorsAccess cors, FlowLimits limits, ServerCounters counters) {
        this.rest = rest;
        this.cors = cors;
        this.limits = limits;
        this.counters = counters;
    }

    @Override
    public void start(Configuration configuration, NamespacesHub namespacesHub) {
        super.start(configuration, namespacesHub);
        context = configuration.getContext();
        try {
            encoder = new EncoderHandler(configuration,
                    new LosslessPacketEncoder(configuration, configuration.getJsonSupport()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    protected void addSocketioHandlers(ChannelPipeline pipeline) {
        super.addSocketioHandlers(pipeline);
        pipeline.replace(SOCKETIO_ENCODER, SOCKETIO_ENCODER, encoder);
        pipeline.addAfter(HTTP_ENCODER, "feathersCors", new CorsHandler(cors));
        pipeline.addAfter(HTTP_ENCODER, "feathersSocketIoClose", new SocketIoConnectionClose(context));
        pipeline.addBefore(PACKET_HANDLER, "feathersPayloadSplitter", SPLITTER);
        pipeline.addBefore(SOCKETIO_ENCODER, "feathersRest", rest);
        pipeline.addFirst("feathersSlowClientGuard", new SlowClientGuard(limits, counters));
    }
}
