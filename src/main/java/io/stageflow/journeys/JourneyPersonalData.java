package io.stageflow.journeys;

import java.util.List;

import io.stageflow.customers.Customer;
import io.stageflow.customers.PersonalData;

import org.camunda.bpm.engine.HistoryService;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.history.HistoricProcessInstance;
import org.camunda.bpm.engine.runtime.ProcessInstance;
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

    @Override
    public void erase(Customer customer) {
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
