package org.feathers4j.sync.memory;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.feathers4j.sync.SyncOptions;
import org.feathers4j.sync.spi.AbstractSyncAdapter;
import org.feathers4j.sync.spi.support.DaemonThreads;

/**
 * Links applications inside one JVM: every adapter on the same bus name ({@code memory://name})
 * and key receives every message, in publish order, on the bus's own delivery thread. For tests
 * and examples; nothing leaves the process.
 */
public final class MemorySyncAdapter extends AbstractSyncAdapter {

    private static final Map<String, Bus> BUSES = new ConcurrentHashMap<>();

    private final String busName;
    private Bus bus;

    /** An adapter on the bus named by the URI's host (or path), e.g. {@code memory://chat}. */
    public MemorySyncAdapter(SyncOptions options) {
        super("memory", options);
        java.net.URI u = options.parsedUri();
        String name = u.getHost() != null ? u.getHost() : u.getSchemeSpecificPart().replaceFirst("^/+", "");
        if (name == null || name.isEmpty()) name = "default";
        this.busName = name + "/" + options.key();
    }

    @Override
    protected void doStart() {
        bus = BUSES.computeIfAbsent(busName, Bus::new);
        bus.join(this);
        connected();
    }

    @Override
    protected CompletableFuture<Void> send(byte[] message) {
        return bus.publish(message);
    }

    @Override
    protected CompletableFuture<Void> doClose() {
        if (bus != null) bus.leave(this);
        return CompletableFuture.completedFuture(null);
    }

    private void receive(byte[] message) {
        if (!isClosed()) deliver(message);
    }

    /** One named bus: subscribers and a delivery thread that keeps publish order. */
    private static final class Bus {
        private final String name;
        private final CopyOnWriteArrayList<MemorySyncAdapter> members = new CopyOnWriteArrayList<>();
        private ExecutorService delivery;

        Bus(String name) {
            this.name = name;
        }

        synchronized void join(MemorySyncAdapter a) {
            if (delivery == null) {
                delivery = Executors.newSingleThreadExecutor(DaemonThreads.factory("memory", "delivery-" + name));
            }
            members.add(a);
        }

        synchronized void leave(MemorySyncAdapter a) {
            members.remove(a);
            if (members.isEmpty() && delivery != null) {
                delivery.shutdown();
                delivery = null;
                BUSES.remove(name, this);
            }
        }

        synchronized CompletableFuture<Void> publish(byte[] message) {
            if (delivery == null) return CompletableFuture.failedFuture(new IllegalStateException("memory bus closed"));
            return CompletableFuture.runAsync(() -> {
                for (MemorySyncAdapter m : members) m.receive(message);
            }, delivery);
        }
    }
}
