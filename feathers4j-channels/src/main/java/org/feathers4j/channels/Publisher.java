package org.feathers4j.channels;

import org.feathers4j.HookContext;

/**
 * Decides which connections receive a service event: returns a {@link Channel} (use
 * {@link Channel#combine} for several, {@link Channel#send} for different data, {@code null} or
 * {@link Channel#empty()} for nobody).
 *
 * <pre>{@code
 * channels.publish((data, ctx) -> channels.channel("authenticated"));
 * channels.service("messages").publish("created", (data, ctx) ->
 *         channels.channel("rooms/" + ((Map<?, ?>) data).get("roomId")));
 * }</pre>
 */
@FunctionalInterface
public interface Publisher {

    /**
     * @param data    the event data (the call's dispatch data or result item)
     * @param context the call's context; {@link HookContext#isFromSync()} for events from another instance
     * @return the channel that receives the event, or {@code null} for none
     */
    Channel publish(Object data, HookContext context);
}
