package org.feathers4j.spring.boot;

import java.util.Objects;
import org.feathers4j.Service;

/**
 * Declare a service as a bean: every {@code ServiceRegistration} bean is registered on the
 * auto-configured {@link org.feathers4j.Application} with {@code app.use(path, service)}, in bean order
 * ({@link org.springframework.core.annotation.Order} / {@link org.springframework.core.Ordered}).
 *
 * @param path    the service path, e.g. {@code "messages"}
 * @param service the service
 */
public record ServiceRegistration(String path, Service service) {
    /** Checks both are given. */
    public ServiceRegistration {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(service, "service");
    }
}
