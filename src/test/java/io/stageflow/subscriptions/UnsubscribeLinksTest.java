package io.stageflow.subscriptions;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import io.stageflow.security.LinkSigner;
import io.stageflow.web.WebProperties;

import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.util.unit.DataSize;

class UnsubscribeLinksTest {

    private static final Instant SENT = Instant.parse("2026-11-24T10:00:00Z");

    private JdbcClient jdbc;

    @BeforeEach
    void database() {
        JdbcDataSource dataSource = new JdbcDataSource();
        dataSource.setURL("jdbc:h2:mem:links-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1");
        jdbc = JdbcClient.create(dataSource);
        jdbc.sql("create table sf_secret (name varchar(64) primary key, secret_value varchar(128), created_at timestamp)")
                .update();
    }

    @Test
    void aTokenLeadsBackToTheAddressHashUntilItExpires() {
        String token = links(SENT).tokenFor("Ada@Example.com ");

        assertThat(links(SENT.plus(Duration.ofDays(700))).addressHashOf(token))
                .contains(Suppressions.hash("ada@example.com"));
        assertThat(links(SENT.plus(Duration.ofDays(731))).addressHashOf(token)).isEmpty();
    }

    @Test
    void aTokenCannotBeMovedToAnotherAddress() {
        String ada = links(SENT).tokenFor("ada@example.com");
        String eve = links(SENT).tokenFor("eve@example.com");
        String[] a = ada.split("\\.");
        String[] e = eve.split("\\.");

        assertThat(links(SENT).addressHashOf(e[0] + "." + a[1] + "." + a[2])).isEmpty();
        assertThat(links(SENT).addressHashOf("garbage")).isEmpty();
        assertThat(links(SENT).addressHashOf(ada)).isPresent();
    }

    @Test
    void everyNodeSignsWithTheSameStoredKey() {
        String token = links(SENT).tokenFor("ada@example.com");

        assertThat(links(SENT).addressHashOf(token)).isPresent();
        assertThat(jdbc.sql("select count(*) from sf_secret").query(Long.class).single()).isEqualTo(1);
    }

    private UnsubscribeLinks links(Instant now) {
        Clock clock = Clock.fixed(now, ZoneOffset.UTC);
        return new UnsubscribeLinks(new LinkSigner(jdbc, clock), clock,
                new SubscriptionsProperties(new SubscriptionsProperties.Unsubscribe(Duration.ofDays(730), null,
                        new SubscriptionsProperties.Unsubscribe.Inbox("imaps", null, null, null, null,
                                Duration.ofMinutes(1)))),
                new WebProperties("https://stageflow.test", DataSize.ofMegabytes(1), DataSize.ofMegabytes(10),
                        DataSize.ofGigabytes(1)));
    }
}
