package io.stageflow.analytics;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

import org.commonmark.Extension;
import org.commonmark.ext.gfm.tables.TablesExtension;
import org.commonmark.node.Heading;
import org.commonmark.node.Node;
import org.commonmark.node.Text;
import org.commonmark.parser.Parser;
import org.commonmark.renderer.html.HtmlRenderer;
import org.springframework.core.io.ClassPathResource;
import org.springframework.stereotype.Component;

/**
 * The catalogue journeys' guides ({@code docs/journeys/<key>.md}, packed into the jar under {@code journey-docs/}),
 * rendered for the console's journey pages. The Markdown is the project's own, and is still rendered with raw HTML
 * escaped; links that lead elsewhere in the repository (a BPMN file, another guide) lose their address, as the
 * console serves neither, and keep their text.
 */
@Component
class JourneyGuides {

    private static final Pattern KEY = Pattern.compile("[a-z0-9][a-z0-9-]{0,63}");
    private static final List<Extension> EXTENSIONS = List.of(TablesExtension.create());

    private final Parser parser = Parser.builder().extensions(EXTENSIONS).build();
    private final HtmlRenderer renderer = HtmlRenderer.builder().extensions(EXTENSIONS).escapeHtml(true)
            .sanitizeUrls(true)
            .attributeProviderFactory(context -> (node, tag, attributes) -> {
                String href = attributes.get("href");
                if ("a".equals(tag) && href != null && !href.startsWith("#") && !href.startsWith("https://")) {
                    attributes.remove("href");
                }
            })
            .build();

    /** The journey's guide, if the catalogue has one: its title and its body as HTML (the title left out). */
    Optional<Guide> guideOf(String journeyKey) {
        if (!KEY.matcher(journeyKey).matches()) {
            return Optional.empty();
        }
        ClassPathResource markdown = new ClassPathResource("journey-docs/" + journeyKey + ".md");
        if (!markdown.exists()) {
            return Optional.empty();
        }
        try (InputStream in = markdown.getInputStream()) {
            Node document = parser.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            String title = journeyKey;
            if (document.getFirstChild() instanceof Heading heading && heading.getLevel() == 1) {
                title = heading.getFirstChild() instanceof Text text ? text.getLiteral() : title;
                heading.unlink();
            }
            return Optional.of(new Guide(title, renderer.render(document)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A rendered guide. */
    record Guide(String title, String html) {
    }
}
