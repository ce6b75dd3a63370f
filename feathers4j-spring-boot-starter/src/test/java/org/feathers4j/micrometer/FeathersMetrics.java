package org.feathers4j.micrometer;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.feathers4j.Application;
import org.feathers4j.server.FeathersServer;

/**
 * Test stand-in for feathers4j-micrometer's binder (same name and constructor), so the starter's
 * by-name registration is exercised without depending on that module.
 */
public class FeathersMetrics implements MeterBinder {
    public final Application app;
    public final FeathersServer server;

    public FeathersMetrics(Application app, FeathersServer server) {
        this.app = app;
        this.server = server;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        registry.gauge("feathers4j.test", 1);
    }
}
