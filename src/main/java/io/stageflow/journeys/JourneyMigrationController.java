package io.stageflow.journeys;

import java.net.URI;
import java.util.List;
import java.util.Map;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/**
 * Moving a journey's customers in flight to another version (docs/api.md): preview who can move and why not, start
 * the move (a batch of the engine), and follow it. Marketers and admins move; operators may follow.
 */
@RestController
@RequestMapping("/api/v1/journeys/{key}/migrations")
class JourneyMigrationController {

    private final JourneyCatalog catalog;
    private final JourneyMigrations migrations;

    JourneyMigrationController(JourneyCatalog catalog, JourneyMigrations migrations) {
        this.catalog = catalog;
        this.migrations = migrations;
    }

    /** The body of a preview and of a migration: the versions, and the steps mapped beyond those of the same id. */
    record MigrationRequest(@NotNull Integer fromVersion, @NotNull Integer toVersion,
            @Size(max = 500) Map<String, String> mappings) {

        JourneyMigrations.Request request() {
            return new JourneyMigrations.Request(fromVersion, toVersion, mappings);
        }
    }

    @PostMapping("/preview")
    JourneyMigrations.Preview preview(@PathVariable String key, @Valid @RequestBody MigrationRequest body) {
        journey(key);
        return migrations.preview(key, body.request());
    }

    @PostMapping
    ResponseEntity<JourneyMigrations.Migration> migrate(@PathVariable String key,
            @Valid @RequestBody MigrationRequest body, Authentication requester) {
        journey(key);
        JourneyMigrations.Migration started = migrations.start(key, body.request(), requester.getName());
        return ResponseEntity.accepted()
                .location(URI.create("/api/v1/journeys/" + key + "/migrations/" + started.id()))
                .body(started);
    }

    @GetMapping
    List<JourneyMigrations.Migration> list(@PathVariable String key) {
        journey(key);
        return migrations.migrations(key);
    }

    @GetMapping("/{id}")
    JourneyMigrations.Migration one(@PathVariable String key, @PathVariable long id) {
        journey(key);
        return migrations.migration(key, id).orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND,
                "Journey " + key + " has no migration " + id));
    }

    private void journey(String key) {
        if (catalog.journey(key).isEmpty()) {
            throw new ResponseStatusException(HttpStatus.NOT_FOUND, "No journey " + key + " was ever deployed");
        }
    }
}
