package io.stageflow.journeys;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What Tasklist's filters use is accepted; anything that could reach a bean, a class or a method is not. */
class QueryExpressionAllowListTest {

    private final QueryExpressionAllowList allowList = new QueryExpressionAllowList();

    @ParameterizedTest
    @ValueSource(strings = {
            "${currentUser()}", "${ currentUser() }", "#{currentUser()}", "${currentUserGroups()}", "${now()}",
            "${dateTime()}", "${dateTime().plusDays(2)}", "${ dateTime().plusWeeks(2) }", "${dateTime().minusHours(3)}",
            "${dateTime().minusDays(1).withTimeAtStartOfDay()}", "${dateTime().plusMonths(1).toDate()}",
            "demo", "user-${currentUser()}"})
    void acceptsTasklistsExpressions(String expression) {
        assertThat(allowList.rejection(expression)).as(expression).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "${''.getClass().forName('java.lang.Runtime').getMethod('getRuntime').invoke(null).exec('touch /tmp/x')}",
            "${dateTime().getClass()}", "${dateTime().toDate().getClass()}", "${dateTime().plusDays(2).getZone()}",
            "${dateTime().plusDays('2')}", "${dateTime().plusDays(2.5)}", "${dateTime().plusDays(-2)}",
            "${dateTime().plusDays(10000000000)}", "${dateTime().plusDays(now())}", "${dateTime()['class']}",
            "${dateTime().toDate().toDate()}", "${currentUser().getClass()}", "${currentUser().toString()}",
            "${now().time}", "${sendEmail}", "${sendEmail.execute(null)}", "${execution}", "${currentUser(1)}",
            "${fn:currentUser()}", "${(dateTime())}", "${currentUser() == 'x'}", "${empty currentUser()}",
            "${'a'}", "${1}", "${dateTime().plusDays(1+1)}", "${x -> x}", "${currentUser(", "${"})
    void refusesEverythingElse(String expression) {
        assertThat(allowList.rejection(expression)).as(expression).isNotNull();
    }
}
