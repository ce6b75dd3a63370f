package org.feathers4j;

/**
 * Takes over the delivery of a service's events; this is how sync sends every event through the
 * broker and emits it locally only when it comes back. At most one interceptor per service.
 */
@FunctionalInterface
public interface EventInterceptor {

    /**
     * Called for each standard or declared custom event instead of emitting it.
     *
     * @return {@code true} if the interceptor took the event (and will emit it later through
     *         {@link AppService#emitLocal}), {@code false} to have it emitted locally right away
     */
    boolean intercept(AppService service, String event, Object data, HookContext context);
}
