package org.feathers4j;

/** Listens to an application event, e.g. {@code "sync-in"} or {@code "connection"}. */
@FunctionalInterface
public interface AppEventListener {

    /** Handles the event with the arguments it was emitted with. */
    void onEvent(Object... args);
}
