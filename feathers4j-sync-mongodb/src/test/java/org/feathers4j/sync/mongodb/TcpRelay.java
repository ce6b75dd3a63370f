package org.feathers4j.sync.mongodb;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A byte relay from 127.0.0.1:port to a server, which a test closes (every connection cut, the
 * port no longer listening) and opens again on the same port: a network outage.
 */
final class TcpRelay {
    final int port;
    final String targetHost;
    final int target;
    private volatile ServerSocket listener;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();

    TcpRelay(int port, String targetHost, int target) {
        this.port = port;
        this.targetHost = targetHost;
        this.target = target;
    }

    synchronized void open() throws IOException {
        if (listener != null) return;
        ServerSocket l = new ServerSocket();
        l.setReuseAddress(true);
        l.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        listener = l;
        Thread t = new Thread(() -> accept(l), "relay-accept-" + port);
        t.setDaemon(true);
        t.start();
    }

    private void accept(ServerSocket l) {
        while (!l.isClosed()) {
            Socket in;
            try {
                in = l.accept();
            } catch (IOException e) {
                return; // closed
            }
            try {
                Socket out = new Socket(targetHost, target);
                sockets.add(in);
                sockets.add(out);
                pump(in, out);
                pump(out, in);
            } catch (IOException e) {
                closeQuietly(in); // the server is not there: refuse this one, keep listening
            }
        }
    }

    private void pump(Socket from, Socket to) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[16 * 1024];
            try (InputStream i = from.getInputStream(); OutputStream o = to.getOutputStream()) {
                int n;
                while ((n = i.read(buf)) >= 0) o.write(buf, 0, n);
            } catch (IOException ignored) {
                // connection cut
            } finally {
                closeQuietly(from);
                closeQuietly(to);
            }
        }, "relay-pump-" + port);
        t.setDaemon(true);
        t.start();
    }

    synchronized void close() {
        ServerSocket l = listener;
        listener = null;
        if (l != null) closeQuietly(l);
        for (Socket s : sockets) closeQuietly(s);
        sockets.clear();
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception ignored) {
            // closing
        }
    }
}
