package org.feathers4j.server.internal;

import com.corundumstudio.socketio.AckRequest;
import com.corundumstudio.socketio.MultiTypeArgs;
import com.corundumstudio.socketio.SocketIOClient;
import com.corundumstudio.socketio.SocketIOServer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.feathers4j.AppService;
import org.feathers4j.Application;
import org.feathers4j.Method;
import org.feathers4j.Params;
import org.feathers4j.channels.Channels;
import org.feathers4j.channels.Connection;
import org.feathers4j.errors.BadRequest;
import org.feathers4j.errors.FeathersError;
import org.feathers4j.errors.NotFound;
import org.feathers4j.errors.Unavailable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Feathers socket protocol on a netty-socketio server: one listener per method, so surplus
 * arguments can be rejected; calls run on the executor (never on a Netty event loop); acks are
 * manual and sent when the call completes.
 */
public final class SocketTransport {

    /** {@code params.provider} of socket calls. */
    public static final String PROVIDER = "socketio";

    private static final Logger LOG = LoggerFactory.getLogger(SocketTransport.class);
    private static final String CONNECTION = "feathers4j.connection";

    private final Application app;
    private final Channels channels;
    private final Executor executor;
    private final ObjectMapper json;

    /**
     * @param json converts results and event data to JSON trees when they are sent: the library
     *             encodes packets later, on its own thread and in batches, so a snapshot keeps
     *             later changes to the objects out, and an object that cannot be written fails
     *             here, for that message only, instead of inside a batch
     */
    public SocketTransport(Application app, Channels channels, Executor executor, ObjectMapper json) {
        this.app = app;
        this.channels = channels;
        this.executor = executor;
        this.json = json;
    }

    /** Registers the connect/disconnect listeners and one listener per method. */
    public void install(SocketIOServer server) {
        server.addConnectListener(client -> {
            SocketConnection c = new SocketConnection(client, json);
            client.set(CONNECTION, c);
            channels.connect(c);
        });
        server.addDisconnectListener(client -> {
            Object c = client.get(CONNECTION);
            if (c instanceof SocketConnection conn) {
                conn.open = false;
                channels.disconnect(conn);
            }
        });
        for (Method m : Method.values()) {
            // path + the method's arguments + one more, to notice surplus arguments
            int declared = 1 + argCount(m) + 1;
            Class<?>[] types = new Class<?>[declared];
            java.util.Arrays.fill(types, Object.class);
            server.addMultiTypeEventListener(m.methodName(),
                    (client, args, ack) -> onCall(m, client, args, ack), types);
        }
    }

    /** Arguments after the path: find(query), get(id, query), create(data, query), update/patch(id, data, query), remove(id, query). */
    static int argCount(Method m) {
        return (m.takesId() ? 1 : 0) + (m.takesData() ? 1 : 0) + 1;
    }

    private void onCall(Method m, SocketIOClient client, MultiTypeArgs args, AckRequest ack) {
        try {
            executor.execute(() -> call(m, client, args.getArgs(), ack));
        } catch (RejectedExecutionException e) {
            reply(ack, null, null, new Unavailable("The server is shutting down"));
        }
    }

    private void call(Method m, SocketIOClient client, List<Object> args, AckRequest ack) {
        try {
            if (args.isEmpty() || !(args.get(0) instanceof String path)) {
                throw new BadRequest("The first argument of '" + m.methodName() + "' must be the service path");
            }
            if (args.size() > 1 + argCount(m)) {
                throw new BadRequest("Too many arguments for '" + m.methodName() + "' method");
            }
            AppService service = app.lookup(path)
                    .orElseThrow(() -> new NotFound("Service '" + Application.normalize(path) + "' not found"));
            int i = 1;
            Object id = m.takesId() ? arg(args, i++) : null;
            Object data = m.takesData() ? arg(args, i++) : null;
            Object query = arg(args, i);
            if (query != null && !(query instanceof Map<?, ?>)) throw new BadRequest("The query must be an object");
            Object connection = client.get(CONNECTION);
            Params params = new Params().provider(PROVIDER).query(asQuery(query));
            params.connection(connection);
            if (connection instanceof Connection c) params.headers(c.headers());
            service.call(m, id, data, params).whenComplete((result, error) ->
                    reply(ack, new Call(m, service.path(), id), result, error));
        } catch (RuntimeException e) {
            reply(ack, null, null, e);
        }
    }

    /** The error JSON as a tree; without {@code data}/{@code errors} if those cannot be written. */
    private JsonNode errorTree(FeathersError fe) {
        try {
            return json.valueToTree(fe.toJson());
        } catch (IllegalArgumentException e) {
            Map<String, Object> plain = new LinkedHashMap<>(fe.toJson());
            plain.remove("data");
            plain.remove("errors");
            return json.valueToTree(plain);
        }
    }

    private static Object arg(List<Object> args, int i) {
        return i < args.size() ? args.get(i) : null;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asQuery(Object q) {
        return q == null ? new LinkedHashMap<>() : (Map<String, Object>) q;
    }

    /** What a completed call was, for the error when its result cannot be written. */
    private record Call(Method method, String path, Object id) {
    }

    /**
     * Acks {@code (null, result)} or {@code (errorJSON)}; a result that cannot be written acks an
     * error saying the call succeeded ({@code call} is then known: only completed calls have results).
     */
    private void reply(AckRequest ack, Call call, Object result, Throwable error) {
        if (error != null) {
            FeathersError fe = FeathersError.convert(error);
            if (fe.code() >= 500) LOG.warn("A socket call failed: {}", fe.toString(), FeathersError.unwrap(error));
            if (ack.isAckRequested()) ack.sendAckData(errorTree(fe));
            return;
        }
        if (!ack.isAckRequested()) return;
        JsonNode tree;
        try {
            tree = json.valueToTree(result);
        } catch (RuntimeException e) { // IllegalArgumentException, or a getter's own when WRAP_EXCEPTIONS is off
            ack.sendAckData(errorTree(UnwritableResult.error(LOG, call.method(), call.path(), call.id(), e)));
            return;
        }
        ack.sendAckData(null, tree);
    }

    /** A Socket.IO client as a channels {@link Connection}. */
    static final class SocketConnection extends Connection {
        private final SocketIOClient client;
        private final ObjectMapper json;
        /**
         * Until the disconnect listener runs. Not {@code client.isChannelOpen()}: over long-polling
         * there is no open channel between two polls, yet packets sent then are queued and delivered.
         */
        volatile boolean open = true;

        SocketConnection(SocketIOClient client, ObjectMapper json) {
            super(client.getSessionId().toString(), PROVIDER, headersOf(client));
            this.client = client;
            this.json = json;
        }

        private static Map<String, Object> headersOf(SocketIOClient client) {
            Map<String, Object> h = new LinkedHashMap<>();
            var headers = client.getHandshakeData().getHttpHeaders();
            for (String name : headers.names()) h.put(name.toLowerCase(java.util.Locale.ROOT), headers.get(name));
            return h;
        }

        @Override
        public void send(String event, Object data) {
            client.sendEvent(event, json.valueToTree(data));
        }

        @Override
        public boolean isOpen() {
            return open;
        }

        @Override
        public void close() {
            client.disconnect();
        }
    }
}
