package org.feathers4j.sync;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP forwarder on 127.0.0.1 that can be opened and shut, to play an unreachable broker
 * without touching the shared one. Shut: nothing listens on the port and every forwarded
 * connection is cut. Not open until {@link #open()}.
 */
public final class TcpProxy implements AutoCloseable {

    private final int port;
    private final String targetHost;
    private final int targetPort;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private volatile ServerSocket server;

    /** A proxy on a free port of 127.0.0.1 to {@code targetHost:targetPort}. */
    public TcpProxy(String targetHost, int targetPort) throws IOException {
        this.targetHost = targetHost;
        this.targetPort = targetPort;
        try (ServerSocket probe = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            this.port = probe.getLocalPort();
        }
    }

    /** The port it listens on when open. */
    public int port() {
        return port;
    }

    /** Starts listening and forwarding (again); no-op when open. */
    public synchronized void open() throws IOException {
        if (server != null) return;
        ServerSocket s = new ServerSocket();
        s.setReuseAddress(true);
        s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        server = s;
        Thread t = new Thread(() -> accept(s), "test-proxy-accept");
        t.setDaemon(true);
        t.start();
    }

    /** Stops listening and cuts every forwarded connection. */
    public synchronized void shut() {
        ServerSocket s = server;
        server = null;
        if (s != null) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing
            }
        }
        for (Socket so : sockets) {
            try {
                so.close();
            } catch (IOException ignored) {
                // closing
            }
        }
        sockets.clear();
    }

    private void accept(ServerSocket s) {
        while (!s.isClosed()) {
            Socket in;
            try {
                in = s.accept();
            } catch (IOException e) {
                continue; // closed (the loop ends) or one failed accept
            }
            try {
                Socket out = new Socket(targetHost, targetPort);
                sockets.add(in);
                sockets.add(out);
                pipe(in, out);
                pipe(out, in);
            } catch (IOException e) {
                try {
                    in.close(); // target unreachable: the client sees its connection end at once
                } catch (IOException ignored) {
                    // closing
                }
            }
        }
    }

    private void pipe(Socket from, Socket to) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[16384];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buf)) >= 0) {
                    out.write(buf, 0, n);
                    out.flush();
                }
            } catch (IOException ignored) {
                // cut
            } finally {
                try {
                    from.close();
                    to.close();
                } catch (IOException ignored) {
                    // closing
                }
            }
        }, "test-proxy-pipe");
        t.setDaemon(true);
        t.start();
    }

    /** Same as {@link #shut()}. */
    @Override
    public void close() {
        shut();
    }
}
