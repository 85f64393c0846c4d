package io.stageflow.templates;

import java.nio.file.Path;
import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Where templates come from and the sender details every template can use ({@code stageflow.templates.*}).
 *
 * @param dir             the folder of templates, a folder per template and a subfolder per language; it seeds the
 *                        versions in the database
 * @param checkInterval   seconds between reads of the templates folder for changed files (each a new version); 0
 *                        reads it only at start
 * @param refreshInterval how often a node looks for versions published on another node (its own it reads at once)
 * @param brand         the sender's name, website and postal address ({@code $brand}); the postal address is
 *                      required in marketing email by law
 * @param requireApproval whether publishing a version from the console or the API (a roll-back too) needs a second
 *                        user with the approver role to approve it; the templates folder is published as it is read
 */
@ConfigurationProperties("stageflow.templates")
public record TemplatesProperties(
        @DefaultValue("templates") Path dir,
        @DefaultValue("2") int checkInterval,
        @DefaultValue("PT2S") Duration refreshInterval,
        Brand brand,
        @DefaultValue("false") boolean requireApproval) {

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
