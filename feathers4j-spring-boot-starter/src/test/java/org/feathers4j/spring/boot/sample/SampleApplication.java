package org.feathers4j.spring.boot.sample;

import org.feathers4j.memory.MemoryService;
import org.feathers4j.spring.boot.FeathersConfigurer;
import org.feathers4j.spring.boot.ServiceRegistration;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;

/**
 * The sample: a {@code messages} service whose events every instance pushes to all its real-time
 * clients; everything else comes from {@code feathers4j.*} properties.
 */
@SpringBootApplication
public class SampleApplication {

    @Bean
    ServiceRegistration messages() {
        return new ServiceRegistration("messages", new MemoryService());
    }

    @Bean
    FeathersConfigurer everybody() {
        return (app, channels) -> {
            channels.onConnection(connection -> channels.channel("everybody").join(connection));
            channels.publish((data, ctx) -> channels.channel("everybody"));
        };
    }

    public static void main(String[] args) {
        org.springframework.boot.SpringApplication.run(SampleApplication.class, args);
    }
}
