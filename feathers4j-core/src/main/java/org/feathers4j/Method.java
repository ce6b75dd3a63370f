package org.feathers4j;

import java.util.Locale;

/** The six standard service methods and the event each one emits on success. */
public enum Method {
    FIND(null),
    GET(null),
    CREATE("created"),
    UPDATE("updated"),
    PATCH("patched"),
    REMOVE("removed");

    private final String event;
    private final String methodName;

    Method(String event) {
        this.event = event;
        this.methodName = name().toLowerCase(Locale.ROOT);
    }

    /** The lower-case name as Feathers spells it, e.g. {@code "create"}. */
    public String methodName() {
        return methodName;
    }

    /** The event emitted after a successful call ({@code "created"} for create), or {@code null}. */
    public String event() {
        return event;
    }

    /** Whether the method takes an id argument. */
    public boolean takesId() {
        return this == GET || this == UPDATE || this == PATCH || this == REMOVE;
    }

    /** Whether the method takes a data argument. */
    public boolean takesData() {
        return this == CREATE || this == UPDATE || this == PATCH;
    }

    /** The method with this Feathers name (e.g. {@code "patch"}), or {@code null}. */
    public static Method byName(String name) {
        for (Method m : values()) if (m.methodName().equals(name)) return m;
        return null;
    }

    /** The standard events, in method order: created, updated, patched, removed. */
    public static final java.util.List<String> STANDARD_EVENTS =
            java.util.List.of("created", "updated", "patched", "removed");
}
