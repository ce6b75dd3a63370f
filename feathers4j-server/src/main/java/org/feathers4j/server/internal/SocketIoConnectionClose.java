package org.feathers4j.server.internal;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;

/**
 * Makes netty-socketio's HTTP answers (long-polling, its preflights and errors) say
 * {@code Connection: close}. netty-socketio 2.0.14 closes the connection after each of them but
 * sends {@code Connection: keep-alive}, so an HTTP client that pools connections (the JDK's, Node's
 * undici) could send its next request (a REST call, say) on a connection the server is closing, and
 * a non-idempotent one failed with "received no bytes". With the honest header the client opens a
 * new connection instead. The websocket upgrade (101) is left alone. One instance per channel.
 */
final class SocketIoConnectionClose extends ChannelDuplexHandler {

    private final String context;
    private final String prefix;
    private boolean socketIoRequest;

    /** @param context netty-socketio's path, e.g. {@code /socket.io} */
    SocketIoConnectionClose(String context) {
        this.context = context.endsWith("/") ? context.substring(0, context.length() - 1) : context;
        this.prefix = this.context + "/";
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (msg instanceof HttpRequest req) {
            String path = new QueryStringDecoder(req.uri()).path();
            socketIoRequest = path.startsWith(prefix) || path.equals(context);
        }
        super.channelRead(ctx, msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
        if (socketIoRequest && msg instanceof HttpResponse res
                && !HttpResponseStatus.SWITCHING_PROTOCOLS.equals(res.status())) {
            res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        super.write(ctx, msg, promise);
    }
}
