package io.stageflow.templates;

import java.nio.file.Path;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Where templates come from and the sender details every template can use ({@code stageflow.templates.*}).
 *
 * @param dir           the folder of templates, a folder per template and a subfolder per language
 * @param checkInterval seconds between checks for changed template files; 0 never re-checks
 * @param brand         the sender's name, website and postal address ({@code $brand}); the postal address is
 *                      required in marketing email by law
 */
@ConfigurationProperties("stageflow.templates")
public record TemplatesProperties(
        @DefaultValue("templates") Path dir,
        @DefaultValue("2") int checkInterval,
        Brand brand) {

    public TemplatesProperties {
        brand = brand == null ? new Brand(null, null, null) : brand;
    }

    /** Sender details every template can use; the postal address is required in marketing email by law. */
    public record Brand(String name, String websiteUrl, String postalAddress) {

        public Brand {
            name = name == null ? "" : name;
            websiteUrl = websiteUrl == null ? "" : websiteUrl;
            postalAddress = postalAddress == null ? "" : postalAddress;
        }
    }
}
