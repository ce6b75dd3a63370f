package org.feathers4j;

/**
 * A function run for every service of an application, when it is registered (and, for mixins
 * added later, for every service already registered). Plugins use it to extend all services.
 */
@FunctionalInterface
public interface Mixin {

    /** Extends one service. */
    void apply(AppService service);
}
