package org.feathers4j.hooks;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import org.feathers4j.Method;

/**
 * The hooks registered on an application or a service, per type and method. Registration is
 * chainable and thread-safe:
 *
 * <pre>{@code
 * app.service("messages").hooks()
 *     .before(ctx -> ctx.params().set("start", System.nanoTime()))   // every method
 *     .before(Method.CREATE, ctx -> ctx.data(validate(ctx.data())))
 *     .error(ctx -> log.warn("failed", ctx.error()));
 * }</pre>
 *
 * <p>Order within a registry: hooks for all methods first, then the method's own hooks, each in
 * registration order. Across registries Feathers' order applies: application around, service
 * around, application before, service before, the method, service after, application after;
 * error hooks run service first, then application. An error hook that sets a result (the result
 * is cleared before error hooks run) or clears the error turns the call into a success.
 */
public final class Hooks {

    private final List<AroundHook> aroundAll = new CopyOnWriteArrayList<>();
    private final Map<Method, List<AroundHook>> around = perMethod();
    private final Map<HookType, List<Hook>> all = new EnumMap<>(HookType.class);
    private final Map<HookType, Map<Method, List<Hook>>> byMethod = new EnumMap<>(HookType.class);

    /** An empty registry. */
    public Hooks() {
        for (HookType t : List.of(HookType.BEFORE, HookType.AFTER, HookType.ERROR)) {
            all.put(t, new CopyOnWriteArrayList<>());
            byMethod.put(t, perMethod());
        }
    }

    private static <T> Map<Method, List<T>> perMethod() {
        Map<Method, List<T>> m = new EnumMap<>(Method.class);
        for (Method method : Method.values()) m.put(method, new CopyOnWriteArrayList<>());
        return m;
    }

    /** Adds before hooks for every method. */
    public Hooks before(Hook... hooks) { return add(HookType.BEFORE, null, hooks); }

    /** Adds before hooks for one method. */
    public Hooks before(Method method, Hook... hooks) { return add(HookType.BEFORE, method, hooks); }

    /** Adds after hooks for every method. */
    public Hooks after(Hook... hooks) { return add(HookType.AFTER, null, hooks); }

    /** Adds after hooks for one method. */
    public Hooks after(Method method, Hook... hooks) { return add(HookType.AFTER, method, hooks); }

    /** Adds error hooks for every method. */
    public Hooks error(Hook... hooks) { return add(HookType.ERROR, null, hooks); }

    /** Adds error hooks for one method. */
    public Hooks error(Method method, Hook... hooks) { return add(HookType.ERROR, method, hooks); }

    /** Adds around hooks for every method. */
    public Hooks around(AroundHook... hooks) {
        for (AroundHook h : hooks) aroundAll.add(Objects.requireNonNull(h, "hook"));
        return this;
    }

    /** Adds around hooks for one method. */
    public Hooks around(Method method, AroundHook... hooks) {
        Objects.requireNonNull(method, "method");
        for (AroundHook h : hooks) around.get(method).add(Objects.requireNonNull(h, "hook"));
        return this;
    }

    private Hooks add(HookType type, Method method, Hook... hooks) {
        List<Hook> target = method == null ? all.get(type) : byMethod.get(type).get(method);
        for (Hook h : hooks) target.add(Objects.requireNonNull(h, "hook"));
        return this;
    }

    /** The hooks of a type that apply to a method, in running order. */
    public List<Hook> hooksFor(HookType type, Method method) {
        if (type == HookType.AROUND) throw new IllegalArgumentException("use aroundFor for around hooks");
        List<Hook> out = new ArrayList<>(all.get(type));
        out.addAll(byMethod.get(type).get(method));
        return out;
    }

    /** The around hooks that apply to a method, outermost first. */
    public List<AroundHook> aroundFor(Method method) {
        List<AroundHook> out = new ArrayList<>(aroundAll);
        out.addAll(around.get(method));
        return out;
    }
}
