package io.stageflow.security;

import java.util.List;
import java.util.Locale;

import io.stageflow.support.ControlCharacters;
import io.stageflow.web.InvalidInputException;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/** Admins issue a write key per integration and revoke it when it leaks or the integration goes away. */
@RestController
@RequestMapping("/api/v1/write-keys")
class WriteKeyController {

    private final WriteKeys writeKeys;

    WriteKeyController(WriteKeys writeKeys) {
        this.writeKeys = writeKeys;
    }

    @PostMapping
    ResponseEntity<Created> create(@Valid @RequestBody NewKey body) {
        if (ControlCharacters.in(body.name())) {
            throw new InvalidInputException("name", ControlCharacters.RULE);
        }
        WriteKey.Kind kind = body.kind() == null ? WriteKey.Kind.SERVER
                : WriteKey.Kind.valueOf(body.kind().toUpperCase(Locale.ROOT));
        WriteKeys.Issued issued = writeKeys.issue(body.name(), kind);
        return ResponseEntity.status(HttpStatus.CREATED).body(new Created(issued.writeKey().id(), issued.key(),
                issued.writeKey().name(), issued.writeKey().kind()));
    }

    @GetMapping
    List<WriteKey> list() {
        return writeKeys.list();
    }

    @DeleteMapping("/{id}")
    ResponseEntity<Void> revoke(@PathVariable String id) {
        if (!writeKeys.revoke(id)) {
            throw new ResponseStatusException(HttpStatus.NOT_FOUND, "No active write key with this id");
        }
        return ResponseEntity.noContent().build();
    }

    /** {@code kind}: {@code server} (the default, as every key before kinds existed) or {@code browser}. */
    record NewKey(@NotBlank @Size(max = 200) String name,
            @Pattern(regexp = "server|browser", message = "must be server or browser") String kind) {
    }

    /** The one answer that shows the key. */
    record Created(String id, String key, String name, WriteKey.Kind kind) {
    }
}
