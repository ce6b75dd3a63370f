package org.feathers4j.server.internal;

import com.corundumstudio.socketio.SocketIOClient;
import com.corundumstudio.socketio.Transport;
import com.corundumstudio.socketio.handler.ClientHead;
import com.corundumstudio.socketio.handler.TransportState;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What netty-socketio keeps to itself and the server needs: a client's {@link ClientHead} (its
 * {@code NamespaceClient} is in a package the library does not export) and the head's websocket
 * {@link TransportState} (for the channel's event loop). Looked up once per class, not per
 * connection (a {@code getMethod} per connect showed in profiles of the connect path); null where
 * the library's insides differ, and the callers then do without.
 */
final class LibraryAccess {

    private static final Logger LOG = LoggerFactory.getLogger(LibraryAccess.class);
    private static final Field HEAD_CHANNELS = channelsField();
    private static final ClassValue<MethodHandle> BASE_CLIENT = new ClassValue<>() {
        @Override
        protected MethodHandle computeValue(Class<?> type) {
            try {
                return MethodHandles.publicLookup().findVirtual(type, "getBaseClient", MethodType.methodType(ClientHead.class))
                        .asType(MethodType.methodType(ClientHead.class, SocketIOClient.class));
            } catch (ReflectiveOperationException | RuntimeException e) {
                LOG.debug("{} has no public getBaseClient()", type.getName(), e);
                return null;
            }
        }
    };

    private LibraryAccess() {
    }

    /** The client's head, or null. */
    static ClientHead head(SocketIOClient client) {
        MethodHandle h = BASE_CLIENT.get(client.getClass());
        if (h == null) return null;
        try {
            return (ClientHead) h.invokeExact(client);
        } catch (Throwable e) {
            LOG.debug("getBaseClient() failed", e);
            return null;
        }
    }

    /** The head's websocket state, or null. */
    static TransportState websocketState(ClientHead head) {
        if (head == null || HEAD_CHANNELS == null) return null;
        try {
            return ((Map<?, ?>) HEAD_CHANNELS.get(head)).get(Transport.WEBSOCKET) instanceof TransportState s ? s : null;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    private static Field channelsField() {
        try {
            Field f = ClientHead.class.getDeclaredField("channels");
            f.setAccessible(true);
            return f;
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.debug("ClientHead has no field 'channels': events are handed to each connection's event loop alone", e);
            return null;
        }
    }
}
