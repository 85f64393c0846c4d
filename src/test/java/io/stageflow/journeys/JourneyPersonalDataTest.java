package io.stageflow.journeys;

import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyBoolean;
import static org.mockito.ArgumentMatchers.anyList;
import static org.mockito.Mockito.RETURNS_DEEP_STUBS;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import java.util.List;

import io.stageflow.customers.Customer;

import org.camunda.bpm.engine.HistoryService;
import org.camunda.bpm.engine.OptimisticLockingException;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.junit.jupiter.api.Test;
import org.springframework.dao.OptimisticLockingFailureException;

/**
 * Erasure that races a journey job: the engine's lost optimistic lock reaches {@code customers.CustomerPrivacy} as
 * Spring's {@link OptimisticLockingFailureException}, which it retries (CustomerPrivacyTest shows the retry). The race
 * itself is not provoked here: it needs a job executor thread updating the instance between the query and the flush.
 */
class JourneyPersonalDataTest {

    @Test
    void aConcurrentUpdateOfTheJourneyIsThrownAsSpringsOptimisticLockingFailure() {
        RuntimeService runtime = mock(RuntimeService.class, RETURNS_DEEP_STUBS);
        ProcessInstance instance = mock(ProcessInstance.class);
        when(instance.getId()).thenReturn("pi-1");
        when(runtime.createProcessInstanceQuery().processInstanceBusinessKey(any()).list())
                .thenReturn(List.of(instance));
        OptimisticLockingException raced = new OptimisticLockingException("ENTITY_UPDATED by another transaction");
        doThrow(raced).when(runtime).deleteProcessInstances(anyList(), any(), anyBoolean(), anyBoolean());
        JourneyPersonalData journeys = new JourneyPersonalData(runtime, mock(HistoryService.class));

        assertThatThrownBy(() -> journeys.erase(mock(Customer.class)))
                .isInstanceOf(OptimisticLockingFailureException.class).hasCause(raced);
    }
}
