package org.bollwerk;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** Bollwerk: a Matrix homeserver for organisations. */
@SpringBootApplication
@org.springframework.scheduling.annotation.EnableScheduling
@ConfigurationPropertiesScan
public class BollwerkApplication {
    public static void main(String[] args) {
        SpringApplication.run(BollwerkApplication.class, args);
    }
}
