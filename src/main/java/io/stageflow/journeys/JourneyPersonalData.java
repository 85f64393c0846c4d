package io.stageflow.journeys;

import java.util.List;

import io.stageflow.customers.Customer;
import io.stageflow.customers.PersonalData;

import org.camunda.bpm.engine.HistoryService;
import org.camunda.bpm.engine.OptimisticLockingException;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.history.HistoricProcessInstance;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.springframework.dao.OptimisticLockingFailureException;
import org.springframework.stereotype.Component;

/**
 * The customer's journeys, whose business key is the customer id. Erasure ends the running ones at once, so no
 * further step can mail the person, and deletes their history with its variables from the engine.
 */
@Component
class JourneyPersonalData implements PersonalData {

    private final RuntimeService runtimeService;
    private final HistoryService historyService;

    JourneyPersonalData(RuntimeService runtimeService, HistoryService historyService) {
        this.runtimeService = runtimeService;
        this.historyService = historyService;
    }

    @Override
    public String section() {
        return "journeys";
    }

    @Override
    public Object export(Customer customer) {
        return historyService.createHistoricProcessInstanceQuery().processInstanceBusinessKey(customer.id())
                .orderByProcessInstanceStartTime().asc().list().stream()
                .map(instance -> new ExportedJourney(instance.getProcessDefinitionKey(),
                        instance.getProcessDefinitionVersion(), instance.getStartTime().toInstant().toString(),
                        instance.getEndTime() == null ? null : instance.getEndTime().toInstant().toString(),
                        instance.getState()))
                .toList();
    }

    /**
     * Ends the customer's journeys and deletes their history. When a journey job updates one of the instances at the
     * same time (a send step running on the job executor), the engine's flush loses the race with Camunda's
     * {@link OptimisticLockingException}; it is thrown as Spring's {@link OptimisticLockingFailureException}, so that
     * {@code customers.CustomerPrivacy} takes the whole erasure again instead of answering 500.
     */
    @Override
    public void erase(Customer customer) {
        try {
            eraseNow(customer);
        } catch (OptimisticLockingException raced) {
            throw new OptimisticLockingFailureException(
                    "A journey of the customer changed while their journeys were being ended", raced);
        }
    }

    private void eraseNow(Customer customer) {
        List<String> running = runtimeService.createProcessInstanceQuery().processInstanceBusinessKey(customer.id())
                .list().stream().map(ProcessInstance::getId).toList();
        if (!running.isEmpty()) {
            runtimeService.deleteProcessInstances(running, "customer erased", true, true);
        }
        List<String> history = historyService.createHistoricProcessInstanceQuery()
                .processInstanceBusinessKey(customer.id()).list().stream().map(HistoricProcessInstance::getId).toList();
        if (!history.isEmpty()) {
            historyService.deleteHistoricProcessInstances(history);
        }
    }

    record ExportedJourney(String journey, int version, String startedAt, String endedAt, String state) {
    }
}
