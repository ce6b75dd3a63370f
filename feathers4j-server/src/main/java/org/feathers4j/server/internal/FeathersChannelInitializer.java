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
 * netty-socketio's pipeline with these changes: the {@link SlowClientGuard} first; our packet encoder ({@link FeathersPacketEncoder}: events encoded once, lossless polling); an aggregator that
 * answers {@code 413} for bodies over the limit ({@link BodyLimitAggregator}); the
 * {@link IdleTimeout} of HTTP connections; the {@link OriginCheck} of Socket.IO requests; our CORS
 * handler right after the HTTP encoder; an honest {@code Connection: close} on netty-socketio's
 * HTTP answers ({@link SocketIoConnectionClose}); the {@link PayloadSplitter} and the
 * {@link PacketGuard} before the packet handler; and the REST/static handler before the Socket.IO
 * encoder (requests outside {@code /socket.io/} reach it; its responses go straight to the HTTP
 * encoder).
 */
public final class FeathersChannelInitializer extends SocketIOChannelInitializer {

    private static final PayloadSplitter SPLITTER = new PayloadSplitter();

    private final ChannelHandler rest;
    private final CorsAccess cors;
    private final PacketGuard guard;
    private final long idleTimeoutMs;
    private final FlowLimits limits;
    private final ServerCounters counters;
    private volatile EncoderHandler encoder;
    private volatile FeathersPacketEncoder packetEncoder;
    private volatile String context;
    private volatile OriginCheck originCheck;
    private volatile int maxHttpContentLength;

    /**
     * @param guard         checks packets before the library decodes them
     * @param idleTimeoutMs how long an HTTP connection may take to deliver its next complete request
     * @param limits        the slow-client limits
     * @param counters      where flow control counts
     */
    public FeathersChannelInitializer(ChannelHandler rest, CorsAccess cors, PacketGuard guard, long idleTimeoutMs,
                                      FlowLimits limits, ServerCounters counters) {
        this.rest = rest;
        this.cors = cors;
        this.guard = guard;
        this.idleTimeoutMs = idleTimeoutMs;
        this.limits = limits;
        this.counters = counters;
    }

    @Override
    public void start(Configuration configuration, NamespacesHub namespacesHub) {
        super.start(configuration, namespacesHub);
        context = configuration.getContext();
        maxHttpContentLength = configuration.getMaxHttpContentLength();
        originCheck = new OriginCheck(cors, context);
        try {
            packetEncoder = new FeathersPacketEncoder(configuration, configuration.getJsonSupport());
            encoder = new EncoderHandler(configuration, packetEncoder);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The packet encoder of the server's connections, once started; else null. */
    public FeathersPacketEncoder packetEncoder() {
        return packetEncoder;
    }

    /** Socket.IO requests refused for their origin so far. */
    public long refusedOrigins() {
        OriginCheck o = originCheck;
        return o == null ? 0 : o.refused();
    }

    @Override
    protected void addSocketioHandlers(ChannelPipeline pipeline) {
        super.addSocketioHandlers(pipeline);
        pipeline.replace(SOCKETIO_ENCODER, SOCKETIO_ENCODER, encoder);
        pipeline.replace(HTTP_AGGREGATOR, HTTP_AGGREGATOR, new BodyLimitAggregator(maxHttpContentLength));
        pipeline.addAfter(HTTP_AGGREGATOR, "feathersOriginCheck", originCheck);
        pipeline.addAfter(HTTP_ENCODER, "feathersCors", new CorsHandler(cors));
        pipeline.addAfter(HTTP_ENCODER, "feathersSocketIoClose", new SocketIoConnectionClose(context));
        pipeline.addAfter(HTTP_ENCODER, "feathersIdleTimeout", new IdleTimeout(idleTimeoutMs));
        pipeline.addBefore(PACKET_HANDLER, "feathersPayloadSplitter", SPLITTER);
        pipeline.addBefore(PACKET_HANDLER, "feathersPacketGuard", guard);
        pipeline.addBefore(SOCKETIO_ENCODER, "feathersRest", rest);
        pipeline.addFirst("feathersSlowClientGuard", new SlowClientGuard(limits, counters));
    }
}
