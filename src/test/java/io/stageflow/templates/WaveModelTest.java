package io.stageflow.templates;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import io.stageflow.customers.Customer;

import org.junit.jupiter.api.Test;
import org.springframework.dao.QueryTimeoutException;

/**
 * Delivery's template contexts read each feature's entries only when a template of the wave asks for one of its names,
 * once for the whole wave, and render exactly what a context holding every entry rendered.
 */
class WaveModelTest {

    private final TemplateRenderer renderer = TestTemplateSettings.renderer(Path.of("templates"));
    private final Counting loyalty = new Counting(Set.of("loyalty"),
            customer -> Map.of("loyalty", TemplateFixtures.SAMPLE_LOYALTY));
    private final Counting offers = new Counting(Set.of("offer"), customer -> customer.id().equals("bo")
            ? Map.of("offer", Map.of("code", "BO-CODE-1234", "value", "15%", "expires", "1 January 2027",
                    "minimumOrder", "", "key", "referral", "description", "15% off"))
            : Map.of());

    @Test
    void aWaveWhoseTemplatesNeverAskForAFeatureDoesNotReadIt() {
        List<Map<String, Object>> models = model(List.of(loyalty, offers)).forDeliveries(List.of(
                email("ada", 1), email("bo", 2), email("cy", 3)));

        List<RenderedEmail> emails = models.stream()
                .map(model -> renderer.render("welcome", Locale.ENGLISH, model)).toList();

        assertThat(loyalty.reads).as("welcome never says $loyalty").hasValue(0);
        assertThat(offers.reads).as("one read of the offers for the three emails").hasValue(1);
        assertThat(offers.recipients).containsExactlyInAnyOrder("key-1", "key-2", "key-3");
        assertThat(emails.get(1).html()).contains("BO-CODE-1234");
        assertThat(emails.get(0).html()).doesNotContain("BO-CODE-1234", "A friend invited you");
        assertThat(emails.get(2).html()).doesNotContain("A friend invited you");
    }

    @Test
    void eachFeatureAskedForIsReadOnceForTheWholeWaveAndRendersAsAnEagerContextDid() {
        TemplateModel model = model(List.of(loyalty, offers));
        List<TemplateModel.DeliveredEmail> wave = List.of(email("ada", 1), email("bo", 2));
        List<Map<String, Object>> lazy = model.forDeliveries(wave);

        RenderedEmail ada = renderer.render("tier-upgrade", Locale.ENGLISH, lazy.get(0));
        RenderedEmail bo = renderer.render("tier-upgrade", Locale.ENGLISH, lazy.get(1));
        renderer.render("welcome", Locale.ENGLISH, lazy.get(1));

        assertThat(loyalty.reads).hasValue(1);
        assertThat(offers.reads).hasValue(1);
        assertThat(ada.subject()).isEqualTo("You are Silver now, ada");
        Map<String, Object> eager = new HashMap<>(model.forDeliveries(wave).get(1));
        assertThat(eager).containsEntry("loyalty", TemplateFixtures.SAMPLE_LOYALTY).containsKey("offer")
                .containsKeys("customer", "brand", "links");
        assertThat(renderer.render("tier-upgrade", Locale.ENGLISH, eager)).isEqualTo(bo);
    }

    @Test
    void readAsAMapTheContextHoldsEveryEntryAndNoneAFeatureLacks() {
        Map<String, Object> ada = model(List.of(loyalty, offers)).forDeliveries(List.of(email("ada", 1))).get(0);

        assertThat(ada.get("loyalty")).isEqualTo(TemplateFixtures.SAMPLE_LOYALTY);
        assertThat(ada.containsKey("offer")).as("ada has no coupon").isFalse();
        assertThat(ada.get("offer")).isNull();
        assertThat(ada.keySet()).contains("customer", "loyalty").doesNotContain("offer");
        assertThat(loyalty.reads).hasValue(1);
        assertThat(offers.reads).hasValue(1);
    }

    @Test
    void aFeatureThatGivesANameItDoesNotDeclareIsStoppedAtOnce() {
        Counting undeclared = new Counting(Set.of("loyalty"), customer -> Map.of("points", 12));
        Map<String, Object> ada = model(List.of(undeclared)).forDeliveries(List.of(email("ada", 1))).get(0);

        assertThatThrownBy(() -> ada.get("loyalty")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("[points]").hasMessageContaining("names()");
    }

    @Test
    void aFailedReadFailsTheRenderThatAskedAndIsTriedAgainByTheNextEmail() {
        AtomicInteger calls = new AtomicInteger();
        Counting flaky = new Counting(Set.of("loyalty"), customer -> {
            if (calls.incrementAndGet() == 1) {
                throw new QueryTimeoutException("the database is slow");
            }
            return Map.of("loyalty", TemplateFixtures.SAMPLE_LOYALTY);
        });
        List<Map<String, Object>> models = model(List.of(flaky)).forDeliveries(List.of(email("ada", 1),
                email("bo", 2)));

        assertThatThrownBy(() -> renderer.render("tier-upgrade", Locale.ENGLISH, models.get(0)))
                .isInstanceOf(QueryTimeoutException.class);
        assertThat(renderer.render("tier-upgrade", Locale.ENGLISH, models.get(1)).subject())
                .isEqualTo("You are Silver now, bo");
        assertThat(flaky.reads).hasValue(2);
    }

    private static TemplateModel model(List<TemplateExtras> extras) {
        return new TemplateModel(TestTemplateSettings.withTemplatesIn(Path.of("templates"), 0),
                List.of(TestTemplateSettings.STANDARD_LINKS), extras, List.of(TestTemplateSettings.EVENT_DATA));
    }

    private static TemplateModel.DeliveredEmail email(String customerId, long outboxId) {
        Customer customer = new Customer(customerId, customerId + "@example.com", customerId, "en", "Europe/London",
                Map.of(), null, null, null);
        return new TemplateModel.DeliveredEmail(customer, outboxId, null, "key-" + outboxId);
    }

    /** A feature whose reads are counted, giving each recipient what {@code entries} makes of them. */
    private static final class Counting implements TemplateExtras {

        final AtomicInteger reads = new AtomicInteger();
        final List<String> recipients = new java.util.ArrayList<>();
        private final Set<String> names;
        private final java.util.function.Function<Customer, Map<String, Object>> entries;

        Counting(Set<String> names, java.util.function.Function<Customer, Map<String, Object>> entries) {
            this.names = names;
            this.entries = entries;
        }

        @Override
        public Set<String> names() {
            return names;
        }

        @Override
        public Map<String, Map<String, Object>> forDeliveries(Map<String, Customer> recipientsByIdempotencyKey) {
            reads.incrementAndGet();
            recipients.addAll(recipientsByIdempotencyKey.keySet());
            Map<String, Map<String, Object>> all = new HashMap<>();
            recipientsByIdempotencyKey.forEach((key, customer) -> {
                Map<String, Object> made = entries.apply(customer);
                if (!made.isEmpty()) {
                    all.put(key, made);
                }
            });
            return all;
        }

        @Override
        public Map<String, Object> forPreview(Customer customer) {
            return entries.apply(customer);
        }
    }
}
