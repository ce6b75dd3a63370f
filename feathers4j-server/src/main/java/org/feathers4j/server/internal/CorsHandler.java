package org.feathers4j.server.internal;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;

/**
 * Adds CORS headers to every HTTP response (REST, static files and Socket.IO polling) when the
 * request's {@code Origin} is allowed. One instance per channel: it remembers the origin of the
 * request being answered (HTTP/1.1 answers in order).
 */
final class CorsHandler extends ChannelDuplexHandler {

    private final CorsAccess policy;
    private String origin;
    private boolean preflight;

    CorsHandler(CorsAccess policy) {
        this.policy = policy;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (msg instanceof HttpRequest req) {
            origin = req.headers().get(HttpHeaderNames.ORIGIN);
            preflight = "OPTIONS".equals(req.method().name());
        }
        super.channelRead(ctx, msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
        if (msg instanceof HttpResponse res && !policy.isEmpty() && policy.allows(origin)) {
            HttpHeaders h = res.headers();
            h.remove(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN);
            h.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, origin);
            h.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_CREDENTIALS, "true");
            h.add(HttpHeaderNames.VARY, "Origin");
            if (preflight) {
                h.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_METHODS, "GET, POST, PUT, PATCH, DELETE, OPTIONS");
                h.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_HEADERS, "Content-Type, Authorization, Accept");
                h.set(HttpHeaderNames.ACCESS_CONTROL_MAX_AGE, "600");
            }
        }
        super.write(ctx, msg, promise);
    }
}
