package io.stageflow.customers;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/** The customer profiles other features read (to personalise, to validate events) and integrations write. */
@Service
public class CustomerService {

    /** What {@link #isValidId} accepts, said to whoever sent a bad id. */
    public static final String ID_RULE = "must be 1 to 100 letters, digits or . _ : @ + -";

    /** Ids are the business's own user ids: letters, digits and a few separators, as in most user systems. */
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9._:@+-]{1,100}");

    static final String DEFAULT_LOCALE = "en";
    static final String DEFAULT_TIME_ZONE = "UTC";

    private final CustomerRepository customers;
    private final Clock clock;
    private final StageStore stages;

    CustomerService(CustomerRepository customers, Clock clock, StageStore stages) {
        this.stages = stages;
        this.customers = customers;
        this.clock = clock;
    }

    @Transactional(readOnly = true)
    public Optional<Customer> find(String id) {
        return customers.find(id);
    }

    /** The customers whose id or email address is exactly {@code text}: the console's search. */
    public List<Customer> search(String text, int limit) {
        return text == null || text.isBlank() ? List.of() : customers.findByIdOrEmail(text.strip(), limit);
    }

    /** The customers among these ids, by id, with one read (no transaction of its own); unknown ids are left out. */
    public Map<String, Customer> findAll(Collection<String> ids) {
        return customers.findAll(ids);
    }

    /**
     * Serialises decisions about these customers across threads and nodes (such as whether a marketing email may go
     * now) for the rest of the caller's transaction: their rows locked with one statement, in id order (so that two
     * callers locking overlapping sets wait rather than deadlock). The customers as they are now, by id; unknown ids
     * are left out.
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public Map<String, Customer> lockAll(Collection<String> ids) {
        return customers.findAllForUpdate(new java.util.TreeSet<>(ids));
    }

    /** Which of these ids belong to known customers. */
    @Transactional(readOnly = true)
    public Set<String> existing(Collection<String> ids) {
        return customers.existingIds(ids);
    }

    /** Creates the customer or merges the given fields into the stored profile. */
    @Transactional
    public Upserted upsert(String id, CustomerUpsert change) {
        Instant now = clock.instant();
        Optional<Customer> stored = customers.findForUpdate(id);
        if (stored.isEmpty()) {
            Customer created = create(id, change, now);
            try {
                customers.insert(created);
                return new Upserted(created, true);
            } catch (DuplicateKeyException concurrentCreate) {
                stored = customers.findForUpdate(id);
            }
        }
        Customer merged = merge(stored.orElseThrow(), change, now);
        customers.update(merged);
        return new Upserted(merged, false);
    }

    /** Whether {@code id} can be a customer id ({@link #ID_RULE}). */
    public static boolean isValidId(String id) {
        return id != null && ID.matcher(id).matches();
    }

    /**
     * Applies many changes at once, with the same rules as {@link #upsert} applied in the given order (a later
     * change to the same id merges into the earlier one), in a few statements rather than a few per customer:
     * one locking read of every id, then one batch of inserts and one of updates. A profile the changes leave as
     * it was is not written at all, so its {@code updatedAt} stays, and applying the same changes twice changes
     * nothing the second time. Nothing else happens: no event is recorded and no journey starts, since a bulk
     * load (an import, say) is not something the customer did.
     */
    @Transactional
    public BulkUpserted upsertAll(List<CustomerChange> changes) {
        if (changes.isEmpty()) {
            return new BulkUpserted(0, 0, 0);
        }
        Instant now = clock.instant();
        Set<String> ids = new LinkedHashSet<>();
        changes.forEach(change -> ids.add(change.id()));
        Map<String, Customer> stored = customers.findAllForUpdate(ids);
        Map<String, Customer> result = new LinkedHashMap<>(stored);
        for (CustomerChange change : changes) {
            Customer before = result.get(change.id());
            result.put(change.id(), before == null
                    ? create(change.id(), change.upsert(), now)
                    : merge(before, change.upsert(), now));
        }
        List<Customer> inserts = new ArrayList<>();
        List<Customer> updates = new ArrayList<>();
        int unchanged = 0;
        for (Customer after : result.values()) {
            Customer before = stored.get(after.id());
            if (before == null) {
                inserts.add(after);
            } else if (sameProfile(before, after)) {
                unchanged++;
            } else {
                updates.add(after);
            }
        }
        customers.insertAll(inserts);
        customers.updateAll(updates);
        return new BulkUpserted(inserts.size(), updates.size(), unchanged);
    }

    private static boolean sameProfile(Customer before, Customer after) {
        return before.equals(new Customer(after.id(), after.email(), after.firstName(), after.locale(),
                after.timeZone(), after.traits(), after.marketingConsent(), before.createdAt(), before.updatedAt()));
    }

    /**
     * Creates a bare profile when the customer is not known yet (a tracking call may come before any identify),
     * and leaves a known one untouched.
     */
    @Transactional
    public void ensureExists(String id, String locale, String timeZone) {
        createIfAbsent(id, new CustomerUpsert(null, null, locale, timeZone, null));
    }

    /**
     * Creates the customer from this profile when no customer has this id yet, and never changes a stored one (not
     * even one created by a concurrent call). True when it created the customer.
     */
    @Transactional
    public boolean createIfAbsent(String id, CustomerUpsert profile) {
        if (customers.find(id).isPresent()) {
            return false;
        }
        try {
            customers.insert(create(id, profile, clock.instant()));
            return true;
        } catch (DuplicateKeyException concurrentCreate) {
            return false; // created by a concurrent call, which this one must not change
        }
    }

    /**
     * Folds the profile {@code fromId} (typically an anonymous visitor) into {@code intoId}: the known profile
     * keeps its own values and gains the traits it lacked. Returns false when there was nothing to fold.
     */
    @Transactional
    public boolean merge(String fromId, String intoId) {
        Optional<Customer> from = customers.findForUpdate(fromId);
        if (from.isEmpty() || fromId.equals(intoId)) {
            return false;
        }
        Instant now = clock.instant();
        Optional<Customer> into = customers.findForUpdate(intoId);
        Customer f = from.get();
        if (into.isEmpty()) {
            customers.insert(new Customer(intoId, f.email(), f.firstName(), f.locale(), f.timeZone(), f.traits(),
                    f.marketingConsent(), f.createdAt(), now));
            stages.moveLifecycle(fromId, intoId);
        } else {
            Customer i = into.get();
            Map<String, Object> traits = new LinkedHashMap<>(f.traits());
            traits.putAll(i.traits());
            customers.update(new Customer(intoId, i.email() != null ? i.email() : f.email(),
                    i.firstName() != null ? i.firstName() : f.firstName(), i.locale(), i.timeZone(), traits,
                    i.marketingConsent() != null ? i.marketingConsent() : f.marketingConsent(), i.createdAt(), now));
            stages.deleteHistory(fromId); // the known profile's own stage and history stand
        }
        customers.delete(fromId);
        return true;
    }

    private static Customer create(String id, CustomerUpsert change, Instant now) {
        return new Customer(id, change.email(), change.firstName(),
                change.locale() == null ? DEFAULT_LOCALE : normalised(change.locale()),
                change.timeZone() == null ? DEFAULT_TIME_ZONE : change.timeZone(),
                mergeTraits(Map.of(), change.traits()), change.marketingConsent(), now, now);
    }

    private static Customer merge(Customer c, CustomerUpsert change, Instant now) {
        return new Customer(c.id(),
                change.email() == null ? c.email() : change.email(),
                change.firstName() == null ? c.firstName() : change.firstName(),
                change.locale() == null ? c.locale() : normalised(change.locale()),
                change.timeZone() == null ? c.timeZone() : change.timeZone(),
                mergeTraits(c.traits(), change.traits()),
                change.marketingConsent() == null ? c.marketingConsent() : change.marketingConsent(), c.createdAt(), now);
    }

    private static Map<String, Object> mergeTraits(Map<String, Object> stored, Map<String, Object> change) {
        Map<String, Object> merged = new LinkedHashMap<>(stored);
        if (change != null) {
            change.forEach((key, value) -> {
                if (value == null) {
                    merged.remove(key);
                } else {
                    merged.put(key, value);
                }
            });
        }
        return merged;
    }

    private static String normalised(String languageTag) {
        return Locale.forLanguageTag(languageTag).toLanguageTag();
    }

    /** One change of a bulk upsert: whose profile, and what to change in it. */
    public record CustomerChange(String id, CustomerUpsert upsert) {
    }

    /** What a bulk upsert did, counted in distinct customers. */
    public record BulkUpserted(int created, int updated, int unchanged) {
    }

    /** The stored profile after an upsert, and whether the call created it. */
    public record Upserted(Customer customer, boolean created) {
    }
}
