package org.feathers4j.internal;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Listeners by event name, thread-safe. A listener that throws is logged and does not stop the
 * others.
 *
 * @param <L> the listener type
 */
public final class Listeners<L> {

    private static final Logger LOG = LoggerFactory.getLogger(Listeners.class);

    private record Entry<L>(L listener, AtomicBoolean once) {
    }

    private final Map<String, List<Entry<L>>> byEvent = new ConcurrentHashMap<>();
    private final String owner;

    /** @param owner named in log messages, e.g. the service path */
    public Listeners(String owner) {
        this.owner = owner;
    }

    /** Adds a listener. */
    public void on(String event, L listener, boolean once) {
        byEvent.computeIfAbsent(event, e -> new CopyOnWriteArrayList<>())
                .add(new Entry<>(listener, once ? new AtomicBoolean() : null));
    }

    /** Removes one registration of a listener; returns whether one was found. */
    public boolean off(String event, L listener) {
        List<Entry<L>> list = byEvent.get(event);
        if (list == null) return false;
        for (Entry<L> e : list) {
            if (e.listener() == listener) return list.remove(e);
        }
        return false;
    }

    /** Removes all listeners of an event, or of every event when {@code event} is null. */
    public void clear(String event) {
        if (event == null) byEvent.clear(); else byEvent.remove(event);
    }

    /** How many listeners an event has. */
    public int count(String event) {
        List<Entry<L>> list = byEvent.get(event);
        return list == null ? 0 : list.size();
    }

    /** Calls every listener of {@code event}; returns whether there was any. */
    public boolean emit(String event, Consumer<L> call) {
        List<Entry<L>> list = byEvent.get(event);
        if (list == null || list.isEmpty()) return false;
        for (Entry<L> e : list) {
            if (e.once() != null) {
                if (!e.once().compareAndSet(false, true)) continue;
                list.remove(e);
            }
            try {
                call.accept(e.listener());
            } catch (RuntimeException | LinkageError | AssertionError ex) {
                LOG.error("A listener of '{}' on {} threw; the other listeners still run", event, owner, ex);
            }
        }
        return true;
    }
}
