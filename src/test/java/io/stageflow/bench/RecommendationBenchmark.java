package io.stageflow.bench;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import javax.sql.DataSource;

import io.stageflow.customers.Customer;
import io.stageflow.templates.RenderedEmail;
import io.stageflow.templates.TemplateExtras;
import io.stageflow.templates.TemplateModel;
import io.stageflow.templates.TemplateRenderer;
import io.stageflow.testing.IntegrationTest;
import io.stageflow.testing.TestDatabase;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.Autowired;

import static org.awaitility.Awaitility.await;

/**
 * The recommendation scenarios of the benchmark runner ({@code ./mvnw -Pbench verify}, docs/benchmarks.md): loads
 * a shop straight into the tables ({@code stageflow.bench.recommendations.customers}, default 1,000,000 customers;
 * {@code .lines}, 5,000,000 order lines; {@code .views}, 2,000,000 product views; {@code .products}, 10,000
 * products in 50 categories; customers keep mostly to one of 100 styles), times the recommendation job started
 * through the jobs API (target: 10 minutes), then renders {@code upsell-bestsellers}, which shows
 * {@code $recommendations.forCustomer(4)}, on one thread in waves of 200 emails, as delivery reads them
 * ({@code .wave}) (target: 10,000 renders/s per core):
 * timed are the wave's {@code $recommendations} reads and the rendering, against the same run's baseline,
 * {@code welcome} (which reads no recommendation) rendered the same way; the rest of each wave's model is made
 * outside the timer. Last, the whole delivery path (every feature's reads, {@link TemplateModel#forDeliveries}, and
 * the rendering) of both templates. It measures and records; it asserts nothing about speed. Afterwards it empties
 * what it loaded.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RecommendationBenchmark extends IntegrationTest {

    private static final int CUSTOMERS = Integer.getInteger("stageflow.bench.recommendations.customers", 1_000_000);
    private static final int LINES = Integer.getInteger("stageflow.bench.recommendations.lines", 5_000_000);
    private static final int VIEWS = Integer.getInteger("stageflow.bench.recommendations.views", 2_000_000);
    private static final int PRODUCTS = Integer.getInteger("stageflow.bench.recommendations.products", 10_000);
    /** Waves of emails timed per rendering figure, after a fifth as many (at least 25) unmeasured. */
    private static final int RENDER_WAVES = Integer.getInteger("stageflow.bench.recommendations.render-waves", 100);
    private static final int STYLES = 100;
    private static final int CHUNK = 250_000;
    /** Emails per wave: as many as delivery reads models for at once by default ({@code delivery.batch-size}). */
    private static final int WAVE = Integer.getInteger("stageflow.bench.recommendations.wave", 200);
    private static final List<String> LOADED_TABLES = List.of("sf_recommendation", "sf_bestseller",
            "sf_recommendation_run", "sf_product_view", "sf_order_line", "sf_product");

    private static final Results RESULTS = new Results();
    private static final Map<String, String> SETTINGS = new LinkedHashMap<>();

    static {
        BenchDatabase.recreateIfMariaDb();
    }

    @Autowired
    DataSource dataSource;

    @Autowired
    TemplateModel templateModel;

    @Autowired
    TemplateRenderer renderer;

    @Autowired
    List<TemplateExtras> extras;

    @Test
    @Order(1)
    void loadsTheShop() throws Exception {
        SETTINGS.put("database", TestDatabase.isMariaDb() ? "mariadb" : "h2");
        SETTINGS.put("customers", Integer.toString(CUSTOMERS));
        SETTINGS.put("order_lines", Integer.toString(LINES));
        SETTINGS.put("product_views", Integer.toString(VIEWS));
        SETTINGS.put("products", Integer.toString(PRODUCTS));
        int perStyle = PRODUCTS / STYLES;
        load("products", PRODUCTS, """
                insert into sf_product (id, sku, name, category_path, price, currency, url, image_url, in_stock,
                                        created_at, updated_at)
                select concat('bp', n), concat('SKU-', n), concat('Product ', n),
                       concat('Category ', mod(n, 10), ' > Sub ', mod(n, 50)), 19.90, 'EUR',
                       concat('https://shop.example.com/p/', n), concat('https://shop.example.com/i/', n, '.jpg'),
                       mod(n, 20) <> 0, %1$s, %1$s
                from %2$s""".formatted(at("0"), "%s"));
        // Row n is customer mod(n, customers) + 1's (n / customers)th line; the customer's style is their number mod
        // 100, and 85% of their lines are of a product of that style.
        String product = """
                concat('bp', case when mod(floor(n / %1$d) * 37 + mod(n, %1$d) * 11, 100) < 85
                                  then mod(mod(n, %1$d), %2$d) * %3$d + mod(floor(n / %1$d) * 7919 + mod(n, %1$d) * 13, %3$d) + 1
                                  else mod(floor(n / %1$d) * 7919 + mod(n, %1$d) * 104729, %4$d) + 1 end)""".formatted(
                CUSTOMERS, STYLES, perStyle, PRODUCTS);
        load("order_lines", LINES, """
                insert into sf_order_line (customer_id, order_id, line_number, product_id, sku, name, category, price,
                                           quantity, currency, ordered_at, message_id)
                select concat('rc', mod(n, %1$d) + 1), concat('ro', n), 1, %2$s, null, null, null, 19.90, 1, 'EUR',
                       %3$s, concat('rm', n)
                from %4$s""".formatted(CUSTOMERS, product, at("n"), "%s"));
        load("product_views", VIEWS, """
                insert into sf_product_view (customer_id, product_id, viewed_on, views, last_viewed_at)
                select concat('rc', mod(n, %1$d) + 1), %2$s, cast(%3$s as date), 1, %3$s
                from %4$s""".formatted(CUSTOMERS, product, at("floor(n / " + CUSTOMERS + ") * 86400"), "%s"));
    }

    @Test
    @Order(2)
    void timesTheJob() {
        long start = System.nanoTime();
        long id = client().post("/api/v1/jobs/recommendations").expectStatus(202).json().path("id").asLong();
        await().atMost(Duration.ofMinutes(60)).pollInterval(Duration.ofSeconds(1)).until(() -> Set.of("COMPLETED",
                "FAILED").contains(client().get("/api/v1/jobs/" + id).expectStatus(200).json().path("status")
                .asText()));
        double seconds = (System.nanoTime() - start) / 1e9;
        String status = client().get("/api/v1/jobs/" + id).expectStatus(200).json().path("status").asText();
        RESULTS.add("recommendations", "job_seconds", seconds, "s", null, null);
        System.out.println(String.format(Locale.ROOT, "target recommendation job within 600 s at %d customers and"
                + " %d order lines: %s (%.0f s, %s)", CUSTOMERS, LINES, seconds <= 600 && "COMPLETED".equals(status)
                        ? "PASS" : "MISS", seconds, status));
        long stored = jdbc.sql("select count(*) from sf_recommendation where generation ="
                + " (select max(generation) from sf_recommendation_run)").query(Long.class).single();
        RESULTS.add("recommendations", "stored_rows", stored, "rows", null, null);
    }

    @Test
    @Order(3)
    void timesRenderingWithRecommendations() {
        TemplateExtras recommendations = extras.stream()
                .filter(extra -> extra.forPreview(sample()).containsKey("recommendations")).findFirst().orElseThrow();
        double baseline = rendersPerSecond("welcome", null, new long[1]);
        RESULTS.add("recommendations", "welcome_renders_per_second_1_thread", baseline, "renders/s", null, null);
        long[] readNanos = new long[1];
        double upsell = rendersPerSecond("upsell-bestsellers", recommendations, readNanos);
        RESULTS.add("recommendations", "upsell_renders_per_second_1_thread", upsell, "renders/s",
                "welcome_renders_per_second_1_thread", baseline);
        RESULTS.add("recommendations", "upsell_recommendation_reads_us_per_email",
                readNanos[0] / 1e3 / ((long) RENDER_WAVES * WAVE), "us", null, null);
        System.out.println(String.format(Locale.ROOT, "target rendering with $recommendations >= 10000 renders/s"
                + " per core: %s (%.0f/s on one thread)", upsell >= 10_000 ? "PASS" : "MISS", upsell));
        double fullBaseline = deliveryPathPerSecond("welcome");
        RESULTS.add("recommendations", "welcome_model_and_render_per_second_1_thread", fullBaseline, "renders/s",
                null, null);
        double full = deliveryPathPerSecond("upsell-bestsellers");
        RESULTS.add("recommendations", "upsell_model_and_render_per_second_1_thread", full, "renders/s",
                "welcome_model_and_render_per_second_1_thread", fullBaseline);
    }

    /**
     * Renders per second on this thread, in waves of emails to successive customers: what is timed is the wave's
     * {@code $recommendations} (its reads, when {@code recommendations} is given) and the rendering; the rest of
     * the model (every other feature's reads) is made for each wave outside the timer. Adds the nanoseconds of
     * the measured waves' {@code $recommendations} to {@code readNanos[0]}.
     */
    private double rendersPerSecond(String template, TemplateExtras recommendations, long[] readNanos) {
        int next = 0;
        for (int warmup = 0; warmup < Math.max(25, RENDER_WAVES / 5); warmup++) {
            next += timedWave(template, recommendations, next)[1];
        }
        long nanos = 0;
        long rendered = 0;
        for (int wave = 0; wave < RENDER_WAVES; wave++) {
            long[] timed = timedWave(template, recommendations, next);
            nanos += timed[0];
            rendered += timed[1];
            readNanos[0] += timed[2];
            next += WAVE;
        }
        return rendered / (nanos / 1e9);
    }

    /** The nanoseconds of the wave's timed part, its emails, and the nanoseconds of its {@code $recommendations}. */
    private long[] timedWave(String template, TemplateExtras recommendations, int from) {
        List<TemplateModel.DeliveredEmail> emails = emails(from);
        List<Map<String, Object>> models = templateModel.forDeliveries(emails);
        long start = System.nanoTime();
        Map<String, Map<String, Object>> picks = Map.of();
        if (recommendations != null) {
            Map<String, Customer> recipients = new LinkedHashMap<>();
            emails.forEach(email -> recipients.put(email.idempotencyKey(), email.customer()));
            picks = recommendations.forDeliveries(recipients);
        }
        long read = System.nanoTime() - start;
        for (int i = 0; i < emails.size(); i++) {
            Map<String, Object> model = new java.util.HashMap<>(models.get(i));
            model.putAll(picks.getOrDefault(emails.get(i).idempotencyKey(), Map.of()));
            RenderedEmail email = renderer.render(template, Locale.ENGLISH, model);
            if (email.html().isEmpty()) {
                throw new IllegalStateException("empty render of " + template);
            }
        }
        return new long[] {System.nanoTime() - start, emails.size(), read};
    }

    /** As delivery does it: the whole model of the wave (every feature's reads) and the rendering, all timed. */
    private double deliveryPathPerSecond(String template) {
        int next = 0;
        long start = System.nanoTime();
        long rendered = 0;
        for (int wave = 0; wave < RENDER_WAVES / 5; wave++) {
            for (Map<String, Object> model : templateModel.forDeliveries(emails(next))) {
                renderer.render(template, Locale.ENGLISH, model);
                rendered++;
            }
            next += WAVE;
        }
        return rendered / ((System.nanoTime() - start) / 1e9);
    }

    private static List<TemplateModel.DeliveredEmail> emails(int from) {
        List<TemplateModel.DeliveredEmail> emails = new ArrayList<>(WAVE);
        for (int i = 0; i < WAVE; i++) {
            String id = "rc" + ((from + i) % CUSTOMERS + 1);
            emails.add(new TemplateModel.DeliveredEmail(new Customer(id, id + "@example.com", "Bench", "en", "UTC",
                    Map.of(), true, null, null), from + i, "upsell", "bench-render-" + (from + i)));
        }
        return emails;
    }

    private static Customer sample() {
        return new Customer("bench-sample", "sample@example.com", null, "en", "UTC", Map.of(), true, null, null);
    }

    @AfterAll
    static void report() throws java.io.IOException {
        RESULTS.write("recommendation-results.json", SETTINGS);
    }

    @AfterAll
    static void emptyWhatWasLoaded(@Autowired DataSource dataSource) throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            for (String table : LOADED_TABLES) {
                s.execute("delete from " + table);
            }
        }
    }

    private void load(String table, int rows, String insert) throws SQLException {
        long start = System.nanoTime();
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            for (int from = 1; from <= rows; from += CHUNK) {
                s.execute(insert.formatted(sequence(from, Math.min(rows, from + CHUNK - 1))));
            }
        }
        RESULTS.add("recommendations", "load_" + table + "_seconds", (System.nanoTime() - start) / 1e9, "s", null,
                null);
    }

    private static String sequence(int from, int to) {
        return TestDatabase.isMariaDb() ? "(select seq as n from seq_%d_to_%d) numbers".formatted(from, to)
                : "(select x as n from system_range(%d, %d)) numbers".formatted(from, to);
    }

    private static String at(String secondsExpression) {
        String seconds = "mod(" + secondsExpression + ", 31536000)";
        return TestDatabase.isMariaDb() ? "timestamp'2026-01-01 00:00:00' + interval " + seconds + " second"
                : "dateadd(second, " + seconds + ", timestamp '2026-01-01 00:00:00')";
    }
}
