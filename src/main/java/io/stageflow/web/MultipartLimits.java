package io.stageflow.web;

import jakarta.servlet.MultipartConfigElement;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Multipart uploads (customer imports) up to {@code stageflow.web.import-max-request-size}, each part written to a
 * temporary file as it arrives, never held whole in memory. Replaces Spring Boot's {@code spring.servlet.multipart}
 * settings, so the limit is configured once.
 */
@Configuration(proxyBeanMethods = false)
class MultipartLimits {

    @Bean
    MultipartConfigElement multipartConfigElement(WebProperties web) {
        long max = web.importMaxRequestSize().toBytes();
        return new MultipartConfigElement("", max, max, 0);
    }
}
