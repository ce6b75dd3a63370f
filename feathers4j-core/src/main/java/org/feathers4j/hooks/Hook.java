package org.feathers4j.hooks;

import org.feathers4j.HookContext;

/**
 * A before, after or error hook: reads and changes the {@link HookContext}. Throwing fails the
 * call (and runs the error hooks). A before hook that sets {@link HookContext#result(Object)}
 * skips the service method. For asynchronous work, use an {@link AroundHook}.
 */
@FunctionalInterface
public interface Hook {

    /** Runs the hook. */
    void run(HookContext context) throws Exception;
}
