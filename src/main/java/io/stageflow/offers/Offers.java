package io.stageflow.offers;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * The offer definitions: those in {@code stageflow.offers.definitions} (written to the database at every start,
 * so all nodes agree) and those created with the offers API.
 */
@Component
public class Offers {

    static final String SOURCE_CONFIGURATION = "config";
    static final String SOURCE_API = "api";

    private final JdbcClient jdbc;
    private final Clock clock;

    Offers(JdbcClient jdbc, Clock clock, OffersProperties properties) {
        this.jdbc = jdbc;
        this.clock = clock;
        properties.definitions().forEach((key, definition) -> upsert(definition.toOffer(key).validated()));
    }

    /** Whether an offer with this key exists. */
    public boolean exists(String key) {
        return key != null && find(key).isPresent();
    }

    public Optional<OfferDefinition> find(String key) {
        return jdbc.sql("select * from sf_offer where offer_key = ?").param(key).query(Offers::map).optional();
    }

    List<OfferDefinition> all() {
        return jdbc.sql("select * from sf_offer order by offer_key").query(Offers::map).list();
    }

    /** Creates an offer from the API; a key that exists already is refused (coupons were issued under it). */
    @Transactional
    OfferDefinition create(OfferDefinition offer) {
        OfferDefinition valid = new OfferDefinition(offer.key(), offer.kind(), offer.value(), offer.currency(),
                offer.validityDays(), offer.minimumOrder(), offer.category(), offer.maxUses(), SOURCE_API).validated();
        try {
            insert(valid);
        } catch (DuplicateKeyException exists) {
            throw new OfferExistsException(valid.key());
        }
        return valid;
    }

    private void upsert(OfferDefinition offer) {
        Instant now = clock.instant();
        int updated = jdbc.sql("""
                update sf_offer set kind = ?, amount = ?, currency = ?, validity_days = ?, minimum_order = ?,
                                    category = ?, max_uses = ?, source = ?, updated_at = ?
                where offer_key = ?""")
                .params(offer.kind().name(), offer.value(), offer.currency(), offer.validityDays(),
                        offer.minimumOrder(), offer.category(), offer.maxUses(), offer.source(), Timestamp.from(now),
                        offer.key())
                .update();
        if (updated == 0) {
            try {
                insert(offer);
            } catch (DuplicateKeyException anotherNodeStarting) {
                // the same file, loaded by another node at the same moment
            }
        }
    }

    private void insert(OfferDefinition offer) {
        Timestamp now = Timestamp.from(clock.instant());
        jdbc.sql("""
                insert into sf_offer (offer_key, kind, amount, currency, validity_days, minimum_order, category,
                                      max_uses, source, created_at, updated_at)
                values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")
                .params(offer.key(), offer.kind().name(), offer.value(), offer.currency(), offer.validityDays(),
                        offer.minimumOrder(), offer.category(), offer.maxUses(), offer.source(), now, now)
                .update();
    }

    private static OfferDefinition map(java.sql.ResultSet rs, int row) throws java.sql.SQLException {
        return new OfferDefinition(rs.getString("offer_key"), OfferDefinition.Kind.valueOf(rs.getString("kind")),
                rs.getBigDecimal("amount").stripTrailingZeros(), rs.getString("currency"), rs.getInt("validity_days"),
                rs.getBigDecimal("minimum_order"), rs.getString("category"), rs.getInt("max_uses"),
                rs.getString("source"));
    }

    /** The API asked to create an offer whose key is taken. */
    static class OfferExistsException extends RuntimeException {
        OfferExistsException(String key) {
            super("Offer '" + key + "' exists already; offers are not changed once coupons may carry them");
        }
    }
}
