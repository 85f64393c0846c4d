package io.stageflow.journeys;

import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * Which customers are in a journey right now, for features outside this package (the inactivity scan) that must
 * not know Camunda: one query over the engine's runtime tables for many customers at once, where the engine's own
 * query API would take one query per customer. A running instance is one whose business key is the customer id.
 */
@Component
public class JourneyInstances {

    private static final int IN_LIST_MAX = 500;

    private final JdbcClient jdbc;

    JourneyInstances(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** The ids among {@code customerIds} that have a running instance of the journey (any version). */
    @Transactional(readOnly = true)
    public Set<String> runningFor(String journeyKey, Collection<String> customerIds) {
        Set<String> running = new HashSet<>();
        List<String> ids = List.copyOf(customerIds);
        for (int from = 0; from < ids.size(); from += IN_LIST_MAX) {
            running.addAll(jdbc.sql("""
                    select e.BUSINESS_KEY_ from ACT_RU_EXECUTION e join ACT_RE_PROCDEF d on d.ID_ = e.PROC_DEF_ID_
                    where e.ID_ = e.PROC_INST_ID_ and d.KEY_ = :journey and e.BUSINESS_KEY_ in (:ids)""")
                    .param("journey", journeyKey)
                    .param("ids", ids.subList(from, Math.min(ids.size(), from + IN_LIST_MAX)))
                    .query(String.class).list());
        }
        return running;
    }
}
