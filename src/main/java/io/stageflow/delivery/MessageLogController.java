package io.stageflow.delivery;

import java.util.List;

import io.stageflow.customers.CustomerService;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/** Answers "why did this customer get this email, or not": every email queued for them, with its fate. */
@RestController
class MessageLogController {

    private final CustomerMessages messages;
    private final CustomerService customers;

    MessageLogController(CustomerMessages messages, CustomerService customers) {
        this.messages = messages;
        this.customers = customers;
    }

    @GetMapping("/api/v1/customers/{id}/messages")
    List<MessageLogEntry> messages(@PathVariable String id) {
        if (customers.find(id).isEmpty()) {
            throw new ResponseStatusException(HttpStatus.NOT_FOUND, "No customer with id " + id);
        }
        return messages.of(id);
    }
}
