package org.feathers4j;

/** Listens to a service event: receives the event data and the context of the call that caused it. */
@FunctionalInterface
public interface ServiceEventListener {

    /**
     * Handles one event. For a call that returned a list, this runs once per element.
     *
     * @param data    the item: the call's dispatch data, or its result
     * @param context the call's context; rebuilt locally for events that came through sync
     */
    void onEvent(Object data, HookContext context);
}
