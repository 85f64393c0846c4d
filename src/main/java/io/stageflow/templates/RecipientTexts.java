package io.stageflow.templates;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;

import io.stageflow.web.RecipientPage;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Component;
import org.springframework.web.util.HtmlUtils;

/**
 * The words of the pages a recipient reaches from an email (unsubscribe, preferences, survey), in the recipient's
 * language, with the same fallback as templates: {@code de-AT}, then {@code de}, then the default. Stageflow ships
 * English and German ({@code recipient-pages/} in the application); any text can be changed, or a language added, by
 * a file in the templates folder, {@code _pages/messages.properties} (every language) or
 * {@code _pages/<locale>/messages.properties}, read again when it changes, like templates. At each step of the
 * fallback the templates folder's file comes before the shipped one, key by key. Texts are plain text: they are
 * HTML-escaped, and {@code {brand}} and the page's own names are filled in.
 */
@Component
public class RecipientTexts {

    static final String FOLDER = "_pages";
    private static final String FILE = "messages.properties";
    private static final String SHIPPED = "recipient-pages/";

    private final Path folder;
    private final String brand;
    private final Duration recheck;
    private final Clock clock;
    private final Map<String, Properties> shipped = new ConcurrentHashMap<>();
    private final Map<Path, Overrides> overrides = new ConcurrentHashMap<>();

    RecipientTexts(TemplatesProperties properties, Clock clock) {
        this.folder = properties.dir().resolve(FOLDER);
        this.brand = properties.brand().name();
        this.recheck = Duration.ofSeconds(Math.max(1, properties.checkInterval()));
        this.clock = clock;
    }

    /** The texts for a page in one language. */
    public final class Texts {

        private final Locale locale;

        private Texts(Locale locale) {
            this.locale = locale;
        }

        /** The language the texts are in, for {@code <html lang>}. */
        public String language() {
            return raw("language");
        }

        /** The text of {@code key}, HTML-escaped, with {@code {brand}} and {@code values} filled in. */
        public String html(String key, Map<String, String> values) {
            String text = HtmlUtils.htmlEscape(raw(key), "UTF-8");
            text = text.replace("{brand}", HtmlUtils.htmlEscape(brand, "UTF-8"));
            for (Map.Entry<String, String> value : values.entrySet()) {
                text = text.replace("{" + value.getKey() + "}", HtmlUtils.htmlEscape(value.getValue(), "UTF-8"));
            }
            return text;
        }

        /** A recipient page in this language: its title the text of {@code titleKey}, then {@code body}. */
        public ResponseEntity<String> page(HttpStatus status, String titleKey, String body) {
            return RecipientPage.of(status, language(), html(titleKey), body);
        }

        /** The text of {@code key}, HTML-escaped, with {@code {brand}} filled in. */
        public String html(String key) {
            return html(key, Map.of());
        }

        private String raw(String key) {
            for (String tag : LocaleFolders.tags(locale)) {
                String own = overridesOf(tag).getProperty(key);
                if (own != null) {
                    return own.strip();
                }
                String ours = shippedOf(tag).getProperty(key);
                if (ours != null) {
                    return ours.strip();
                }
            }
            throw new IllegalArgumentException("No recipient page text " + key);
        }
    }

    /**
     * The texts for a recipient: in {@code preferred} (the customer's locale) when known, else in the first language
     * of the browser's {@code Accept-Language}, else the default.
     */
    public Texts forRecipient(Locale preferred, String acceptLanguage) {
        if (preferred != null && !preferred.getLanguage().isEmpty()) {
            return new Texts(preferred);
        }
        if (acceptLanguage != null && !acceptLanguage.isBlank()) {
            try {
                List<Locale.LanguageRange> ranges = Locale.LanguageRange.parse(acceptLanguage);
                if (!ranges.isEmpty() && !ranges.get(0).getRange().equals("*")) {
                    return new Texts(Locale.forLanguageTag(ranges.get(0).getRange()));
                }
            } catch (IllegalArgumentException malformed) {
                // The default below.
            }
        }
        return new Texts(Locale.ROOT);
    }

    private Properties shippedOf(String tag) {
        return shipped.computeIfAbsent(tag, t -> {
            Properties texts = new Properties();
            try (InputStream in = RecipientTexts.class.getClassLoader()
                    .getResourceAsStream(SHIPPED + (t.isEmpty() ? "" : t + "/") + FILE)) {
                if (in != null) {
                    try (Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8)) {
                        texts.load(reader);
                    }
                }
            } catch (IOException e) {
                throw new IllegalStateException("Cannot read the shipped recipient page texts", e);
            }
            return texts;
        });
    }

    /** The templates folder's file for a language, read again when it changed (checked at most every interval). */
    private Properties overridesOf(String tag) {
        Path file = tag.isEmpty() ? folder.resolve(FILE) : folder.resolve(tag).resolve(FILE);
        Instant now = clock.instant();
        Overrides known = overrides.get(file);
        if (known != null && !now.isBefore(known.checkedAt()) && known.checkedAt().plus(recheck).isAfter(now)) {
            return known.texts();
        }
        Instant modified = lastModified(file);
        if (known != null && known.modified().equals(modified)) {
            overrides.put(file, new Overrides(known.texts(), modified, now));
            return known.texts();
        }
        Properties texts = new Properties();
        if (!modified.equals(Instant.EPOCH)) {
            try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                texts.load(reader);
            } catch (IOException | IllegalArgumentException unreadable) {
                texts = known == null ? new Properties() : known.texts();
            }
        }
        overrides.put(file, new Overrides(texts, modified, now));
        return texts;
    }

    private static Instant lastModified(Path file) {
        try {
            return Files.isRegularFile(file) ? Files.getLastModifiedTime(file).toInstant() : Instant.EPOCH;
        } catch (IOException e) {
            return Instant.EPOCH;
        }
    }

    /** A language's file in the templates folder as last read. */
    private record Overrides(Properties texts, Instant modified, Instant checkedAt) {
    }
}
