package org.feathers4j;

/** Configures an application: {@code app.configure(plugin)}, e.g. sync or a transport. */
@FunctionalInterface
public interface Plugin {

    /** Configures the application. */
    void configure(Application app);
}
