package org.feathers4j.server.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.feathers4j.AppService;
import org.feathers4j.Application;
import org.feathers4j.Method;
import org.feathers4j.Params;
import org.feathers4j.errors.BadRequest;
import org.feathers4j.errors.FeathersError;
import org.feathers4j.errors.GeneralError;
import org.feathers4j.errors.MethodNotAllowed;
import org.feathers4j.errors.NotFound;
import org.feathers4j.errors.Unavailable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feathers' REST conventions plus static files, as a Netty handler behind netty-socketio's
 * handlers (it sees every request outside {@code /socket.io/}). Requests are parsed on the event
 * loop; service calls run on the executor; static files are read on the executor too.
 *
 * <pre>
 * GET    /path        find(params)         PUT    /path/:id   update(id, data)
 * GET    /path/:id    get(id)              PATCH  /path[/:id] patch(id or null, data)
 * POST   /path        create(data) → 201   DELETE /path[/:id] remove(id or null)
 * </pre>
 */
@ChannelHandler.Sharable
public final class RestHandler extends ChannelInboundHandlerAdapter {

    /** {@code params.provider} of REST calls. */
    public static final String PROVIDER = "rest";

    private static final Logger LOG = LoggerFactory.getLogger(RestHandler.class);

    private final Application app;
    private final Executor executor;
    private final ObjectMapper json;
    private final StaticFiles statics;
    private final boolean inferQueryTypes;
    private final JsonInput input;
    private final ServerCounters counters;

    /** @param input reads request bodies, under the server's nesting limit */
    public RestHandler(Application app, Executor executor, ObjectMapper json, StaticFiles statics,
                       boolean inferQueryTypes, JsonInput input, ServerCounters counters) {
        this.counters = counters;
        this.app = app;
        this.executor = executor;
        this.json = json;
        this.statics = statics;
        this.inferQueryTypes = inferQueryTypes;
        this.input = input;
    }

    private record Route(AppService service, String id) {
    }

    private record Request(HttpMethod method, String uri, String path, Map<String, Object> headers, byte[] body,
                           boolean keepAlive) {
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof FullHttpRequest req)) {
            ctx.fireChannelRead(msg);
            return;
        }
        Request r;
        try {
            if (!req.decoderResult().isSuccess()) {
                send(ctx, false, HttpResponseStatus.BAD_REQUEST, new BadRequest("Malformed HTTP request"));
                return;
            }
            Map<String, Object> headers = new LinkedHashMap<>();
            for (Map.Entry<String, String> h : req.headers()) {
                headers.putIfAbsent(h.getKey().toLowerCase(Locale.ROOT), h.getValue());
            }
            ByteBuf content = req.content();
            byte[] body = new byte[content.readableBytes()];
            content.getBytes(content.readerIndex(), body);
            String path = new QueryStringDecoder(req.uri()).path();
            r = new Request(req.method(), req.uri(), path, headers, body, HttpUtil.isKeepAlive(req));
        } finally {
            req.release();
        }
        try {
            executor.execute(() -> handle(ctx, r));
        } catch (RejectedExecutionException e) {
            send(ctx, false, HttpResponseStatus.SERVICE_UNAVAILABLE, new Unavailable("The server is shutting down"));
        }
    }

    private void handle(ChannelHandlerContext ctx, Request r) {
        try {
            if (r.method().equals(HttpMethod.OPTIONS)) {
                FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NO_CONTENT);
                res.headers().set(HttpHeaderNames.ALLOW, "GET, POST, PUT, PATCH, DELETE, OPTIONS");
                write(ctx, r.keepAlive(), res);
                return;
            }
            Optional<Route> route = route(r.path());
            if (route.isEmpty()) {
                if ((r.method().equals(HttpMethod.GET) || r.method().equals(HttpMethod.HEAD)) && statics != null) {
                    StaticFiles.Found f = statics.find(r.path());
                    if (f != null) {
                        FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                                r.method().equals(HttpMethod.HEAD) ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(f.bytes()));
                        res.headers().set(HttpHeaderNames.CONTENT_TYPE, f.contentType());
                        if (r.method().equals(HttpMethod.HEAD)) HttpUtil.setContentLength(res, f.bytes().length);
                        write(ctx, r.keepAlive(), res);
                        return;
                    }
                }
                throw new NotFound("Page not found");
            }
            AppService service = route.get().service();
            String id = route.get().id();
            Method m = methodOf(r.method(), id);
            Params params = new Params().provider(PROVIDER)
                    .query(QueryStrings.parse(r.uri(), inferQueryTypes))
                    .headers(r.headers());
            Object data = m.takesData() ? body(r) : null;
            service.callForContext(m, id, data, params).whenComplete((done, error) -> {
                if (error != null) fail(ctx, r.keepAlive(), error);
                else sendResult(ctx, r.keepAlive(), m, service.path(), id, done.result(), done.statusCode());
            });
        } catch (Throwable t) {
            fail(ctx, r.keepAlive(), t);
        }
    }

    /** The service for a path: the whole path ({@code id == null}), else all but the last segment. */
    private Optional<Route> route(String rawPath) {
        String path = Application.normalize(rawPath);
        if (path.isEmpty()) return Optional.empty();
        Optional<AppService> whole = app.lookup(path);
        if (whole.isPresent()) return Optional.of(new Route(whole.get(), null));
        int slash = path.lastIndexOf('/');
        if (slash <= 0) return Optional.empty();
        return app.lookup(path.substring(0, slash)).map(s -> new Route(s, path.substring(slash + 1)));
    }

    private static Method methodOf(HttpMethod http, String id) {
        String name = http.name();
        return switch (name) {
            case "GET" -> id == null ? Method.FIND : Method.GET;
            case "POST" -> {
                if (id != null) throw new MethodNotAllowed("Method `POST` is not supported on a single record");
                yield Method.CREATE;
            }
            case "PUT" -> Method.UPDATE;
            case "PATCH" -> Method.PATCH;
            case "DELETE" -> Method.REMOVE;
            default -> throw new MethodNotAllowed("HTTP method " + name + " is not supported");
        };
    }

    private Object body(Request r) {
        if (r.body().length == 0) return new LinkedHashMap<String, Object>();
        Object type = r.headers().get("content-type");
        if (type != null && !String.valueOf(type).toLowerCase(Locale.ROOT).contains("json")) {
            throw new FeathersError("UnsupportedMediaType", "unsupported-media-type", 415,
                    "Only JSON bodies are supported, not " + type, null, null, null);
        }
        try {
            return input.read(r.body());
        } catch (JsonInput.TooDeep e) {
            throw new BadRequest("Invalid JSON body: " + e.getMessage() + " (the server's maxJsonDepth)");
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new BadRequest("Invalid JSON body: " + e.getOriginalMessage());
        } catch (java.io.IOException e) {
            throw new BadRequest("Invalid JSON body");
        }
    }

    private void fail(ChannelHandlerContext ctx, boolean keepAlive, Throwable error) {
        FeathersError fe = FeathersError.convert(error);
        if (fe instanceof GeneralError || fe.code() >= 500) {
            LOG.warn("A REST call failed: {}", fe.toString(), FeathersError.unwrap(error));
        }
        int code = fe.code() >= 400 && fe.code() <= 599 ? fe.code() : 500;
        send(ctx, keepAlive, HttpResponseStatus.valueOf(code), fe);
    }

    /**
     * A successful call's result, with the status a hook set ({@code HookContext.statusCode()}) or the
     * default; one that cannot be written answers an error saying the call succeeded.
     */
    private void sendResult(ChannelHandlerContext ctx, boolean keepAlive, Method m, String path, String id,
                            Object result, Integer statusCode) {
        HttpResponseStatus status = statusCode != null && statusCode >= 200 && statusCode <= 599
                ? HttpResponseStatus.valueOf(statusCode)
                : m == Method.CREATE ? HttpResponseStatus.CREATED
                : result == null ? HttpResponseStatus.NO_CONTENT : HttpResponseStatus.OK;
        if (statusCode != null && status.code() != statusCode) {
            LOG.warn("A hook set the status code {} on {} {}; not an HTTP status for a result, ignored", statusCode, m.methodName(), path);
        }
        byte[] bytes;
        try {
            bytes = status == HttpResponseStatus.NO_CONTENT ? new byte[0] : json.writeValueAsBytes(result);
        } catch (Exception e) { // JsonProcessingException, or a getter's exception when WRAP_EXCEPTIONS is off
            send(ctx, keepAlive, HttpResponseStatus.INTERNAL_SERVER_ERROR, UnwritableResult.error(LOG, m, path, id, e));
            return;
        }
        respond(ctx, keepAlive, status, bytes);
    }

    private void send(ChannelHandlerContext ctx, boolean keepAlive, HttpResponseStatus status, FeathersError e) {
        respond(ctx, keepAlive, status, errorBytes(e));
    }

    /** The error JSON; without {@code data}/{@code errors} if those cannot be written. */
    private byte[] errorBytes(FeathersError e) {
        try {
            return json.writeValueAsBytes(e.toJson());
        } catch (Exception ex) {
            LOG.error("The data or errors of {} cannot be written as JSON; sent without them", e, ex);
            Map<String, Object> plain = new LinkedHashMap<>(e.toJson());
            plain.remove("data");
            plain.remove("errors");
            try {
                return json.writeValueAsBytes(plain);
            } catch (Exception again) { // only strings and a number left: a very unusual mapper
                return ("{\"name\":\"GeneralError\",\"message\":\"The error cannot be written as JSON\",\"code\":500,"
                        + "\"className\":\"general-error\"}").getBytes(StandardCharsets.UTF_8);
            }
        }
    }

    private void respond(ChannelHandlerContext ctx, boolean keepAlive, HttpResponseStatus status, byte[] bytes) {
        FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(bytes));
        if (bytes.length > 0) res.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON + "; charset=utf-8");
        write(ctx, keepAlive, res);
    }

    private void write(ChannelHandlerContext ctx, boolean keepAlive, FullHttpResponse res) {
        counters.httpResponse(res.status().code());
        if (!res.headers().contains(HttpHeaderNames.CONTENT_LENGTH)) {
            HttpUtil.setContentLength(res, res.content().readableBytes());
        }
        if (keepAlive) {
            res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            ctx.writeAndFlush(res);
        } else {
            res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
        }
    }
}
