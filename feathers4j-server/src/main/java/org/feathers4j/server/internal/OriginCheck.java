package org.feathers4j.server.internal;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.ReferenceCountUtil;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Refuses Socket.IO requests (websocket upgrades and polling) that a browser sent from a page of
 * another origin, before the handshake: browsers do not apply CORS to websockets, so without this
 * any site could open a socket with the visitor's cookies. Allowed: no {@code Origin} header (not a
 * browser: Node, the JVM), the server's own origin ({@code Origin}'s host and port equal the
 * {@code Host} header), and the configured CORS origins ({@code "*"} allows any).
 */
@ChannelHandler.Sharable
public final class OriginCheck extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(OriginCheck.class);

    private final CorsAccess cors;
    private final String prefix;
    private final String context;
    private final RateLimitedLog warnings = new RateLimitedLog(LOG, 10, 60_000);

    /** @param context netty-socketio's path, e.g. {@code /socket.io} */
    public OriginCheck(CorsAccess cors, String context) {
        this.cors = cors;
        this.context = context.endsWith("/") ? context.substring(0, context.length() - 1) : context;
        this.prefix = this.context + "/";
    }

    /** Requests refused so far. */
    public long refused() {
        return warnings.total();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest req) {
            String origin = req.headers().get(HttpHeaderNames.ORIGIN);
            if (origin != null && isSocketIo(req.uri()) && !allowed(origin, req.headers().get(HttpHeaderNames.HOST))) {
                ReferenceCountUtil.release(msg);
                warnings.warn("Socket.IO request from {} refused: origin {} is neither this server's nor allowed",
                        ctx.channel().remoteAddress(), printable(origin));
                byte[] body = ("{\"name\":\"Forbidden\",\"message\":\"Origin not allowed\",\"code\":403,"
                        + "\"className\":\"forbidden\"}").getBytes(StandardCharsets.UTF_8);
                FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.FORBIDDEN,
                        Unpooled.wrappedBuffer(body));
                res.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON + "; charset=utf-8");
                res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
                HttpUtil.setContentLength(res, body.length);
                ctx.channel().writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
                return;
            }
        }
        ctx.fireChannelRead(msg);
    }

    private boolean isSocketIo(String uri) {
        String path = new QueryStringDecoder(uri).path();
        return path.startsWith(prefix) || path.equals(context);
    }

    /** Same origin (host and port as the request's {@code Host}), or a configured one. */
    boolean allowed(String origin, String host) {
        if (cors.allows(origin)) return true;
        if (host == null) return false;
        try {
            URI u = new URI(origin);
            String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
            if (u.getHost() == null || !(scheme.equals("http") || scheme.equals("https"))) return false;
            int port = u.getPort() >= 0 ? u.getPort() : scheme.equals("https") ? 443 : 80;
            return authority(u.getHost(), port).equals(hostHeader(host, scheme.equals("https") ? 443 : 80));
        } catch (java.net.URISyntaxException e) {
            return false;
        }
    }

    private static String hostHeader(String host, int defaultPort) {
        String h = host.trim().toLowerCase(Locale.ROOT);
        int close = h.lastIndexOf(']');
        int colon = h.lastIndexOf(':');
        if (colon > close) {
            try {
                return authority(h.substring(0, colon), Integer.parseInt(h.substring(colon + 1)));
            } catch (NumberFormatException e) {
                return "?";
            }
        }
        return authority(h, defaultPort);
    }

    private static String authority(String host, int port) {
        String h = host.toLowerCase(Locale.ROOT);
        if (h.startsWith("[") && h.endsWith("]")) h = h.substring(1, h.length() - 1);
        return h + ":" + port;
    }

    /** The origin for the log: a browser-set header, yet keep it short and on one line. */
    private static String printable(String origin) {
        String s = origin.length() > 100 ? origin.substring(0, 100) + "…" : origin;
        return s.replaceAll("[\\p{Cntrl}]", "?");
    }
}
