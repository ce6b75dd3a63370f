package org.feathers4j.spring.boot;

import org.feathers4j.Application;
import org.feathers4j.channels.Channels;

/**
 * A bean that configures the auto-configured {@link Application}: hooks, channel rules, event
 * listeners, more services. Called once, after the {@link ServiceRegistration} beans are registered and
 * before sync is configured, in bean order.
 */
@FunctionalInterface
public interface FeathersConfigurer {
    /**
     * Configures the application.
     *
     * @param app      the application
     * @param channels its channels ({@code Channels.of(app)})
     */
    void configure(Application app, Channels channels);
}
