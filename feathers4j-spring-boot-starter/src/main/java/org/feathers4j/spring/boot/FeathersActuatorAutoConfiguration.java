package org.feathers4j.spring.boot;

import io.micrometer.core.instrument.binder.MeterBinder;
import org.feathers4j.Application;
import org.feathers4j.server.FeathersServer;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The {@code feathers4j} health indicator when Spring Boot Actuator is on the class path, and the
 * {@code org.feathers4j.micrometer.FeathersMetrics} meter binder when feathers4j-micrometer is.
 */
@AutoConfiguration(after = FeathersAutoConfiguration.class)
public class FeathersActuatorAutoConfiguration {

    /** Creates the auto-configuration. */
    public FeathersActuatorAutoConfiguration() {}

    /** The health indicator, named {@code feathers4j} in /actuator/health. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.boot.actuate.health.HealthIndicator")
    static class Health {
        @Bean(name = "feathers4jHealthIndicator")
        @ConditionalOnMissingBean(name = "feathers4jHealthIndicator")
        FeathersHealthIndicator feathers4jHealthIndicator(Application app, ObjectProvider<FeathersServer> server) {
            return new FeathersHealthIndicator(app, server.getIfAvailable());
        }
    }

    /** feathers4j-micrometer's binder, created by name: this module does not depend on it. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = {"org.feathers4j.micrometer.FeathersMetrics",
            "io.micrometer.core.instrument.binder.MeterBinder"})
    static class Metrics {
        static final String BINDER = "org.feathers4j.micrometer.FeathersMetrics";

        @Bean
        @ConditionalOnMissingBean(type = BINDER)
        MeterBinder feathersMetrics(Application app, ObjectProvider<FeathersServer> server) throws ReflectiveOperationException {
            return newBinder(BINDER, app, server.getIfAvailable());
        }

        static MeterBinder newBinder(String className, Application app, FeathersServer server) throws ReflectiveOperationException {
            Class<?> type = Class.forName(className, true, Metrics.class.getClassLoader());
            return (MeterBinder) type.getConstructor(Application.class, FeathersServer.class).newInstance(app, server);
        }
    }
}
