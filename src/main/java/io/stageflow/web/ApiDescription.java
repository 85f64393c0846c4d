package io.stageflow.web;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.info.License;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import io.swagger.v3.oas.models.servers.Server;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * What the generated OpenAPI description ({@code GET /api/openapi}) says about the API as a whole: its name, how
 * callers authenticate (HTTP Basic: a user, or a write key as the user name with an empty password), and a
 * relative server, so that the same document serves every installation and the copy kept in the docs.
 */
@Configuration(proxyBeanMethods = false)
class ApiDescription {

    private static final String BASIC = "basic";

    @Bean
    OpenAPI stageflowApi() {
        return new OpenAPI()
                .info(new Info().title("Stageflow API").version("v1")
                        .description("Customers, products, events, segments, templates, journeys, broadcasts, analytics and"
                                + " the audit log (/api/v1), Segment's HTTP tracking API (/v1), and the mail"
                                + " providers' bounce and complaint webhooks (/webhooks, signed by the provider,"
                                + " no Stageflow credentials; docs/operations.md). Every route's"
                                + " roles are in docs/security.md; errors are application/problem+json with an"
                                + " errors array naming each bad field (docs/api.md).")
                        .license(new License().name("Apache-2.0")))
                .addServersItem(new Server().url("/"))
                .components(new Components().addSecuritySchemes(BASIC, new SecurityScheme()
                        .type(SecurityScheme.Type.HTTP).scheme("basic")
                        .description("A user (admin, marketer, operator, approver), or a write key as the user name"
                                + " with an empty password")))
                .addSecurityItem(new SecurityRequirement().addList(BASIC));
    }
}
