package org.feathers4j.hooks;

/** Where in a call a hook runs. */
public enum HookType {
    /** Around the whole call, see {@link AroundHook}. */
    AROUND,
    /** Before the service method. */
    BEFORE,
    /** After the service method succeeded. */
    AFTER,
    /** After the method or a hook failed. */
    ERROR;

    private final String typeName = name().toLowerCase(java.util.Locale.ROOT);

    /** The lower-case name as Feathers spells it. */
    public String typeName() {
        return typeName;
    }
}
