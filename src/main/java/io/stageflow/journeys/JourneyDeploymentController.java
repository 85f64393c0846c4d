package io.stageflow.journeys;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.stageflow.web.FieldViolation;
import io.stageflow.web.InvalidInputException;

import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RequestPart;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;
import org.springframework.web.server.ResponseStatusException;

/**
 * Journeys as versions over the API (docs/api.md): deploy a BPMN file as a new version (marketers and admins; the
 * same validation as Camunda Modeler's deployments), list a journey's versions with who deployed each, download a
 * version to change it, and see what changed between two versions.
 */
@RestController
@RequestMapping("/api/v1/journeys")
class JourneyDeploymentController {

    private final JourneyUploads uploads;
    private final JourneyCatalog catalog;

    JourneyDeploymentController(JourneyUploads uploads, JourneyCatalog catalog) {
        this.uploads = uploads;
        this.catalog = catalog;
    }

    /** Deploys the file: 201 with the new version, 400 naming each problem, 409 when it was made from an old version. */
    @PostMapping(consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
    ResponseEntity<JourneyUploads.Deployed> deploy(@RequestPart("file") MultipartFile file,
            @RequestParam(required = false) String comment, Authentication author) {
        byte[] content;
        try {
            content = file.getBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        JourneyUploads.Deployed deployed = uploads.deploy(file.getOriginalFilename(), content, author.getName(),
                comment);
        return ResponseEntity.created(URI.create("/api/v1/journeys/" + deployed.key() + "/versions/"
                + deployed.version() + "/bpmn")).body(deployed);
    }

    @GetMapping("/{key}/versions")
    List<JourneyCatalog.JourneyVersion> versions(@PathVariable String key) {
        List<JourneyCatalog.JourneyVersion> versions = catalog.versionHistory(key);
        if (versions.isEmpty()) {
            throw new ResponseStatusException(HttpStatus.NOT_FOUND, "No journey " + key + " was ever deployed");
        }
        return versions;
    }

    /** The version's BPMN file, marked as made from it: change it in Modeler and deploy it again. */
    @GetMapping(path = "/{key}/versions/{version}/bpmn", produces = MediaType.APPLICATION_XML_VALUE)
    ResponseEntity<byte[]> download(@PathVariable String key, @PathVariable int version) {
        return download(catalog, key, version);
    }

    /** The version's file as an attachment named after the journey and version; 404 for no such version. */
    static ResponseEntity<byte[]> download(JourneyCatalog catalog, String key, int version) {
        JourneyCatalog.Download download = catalog.download(key, version).orElseThrow(() ->
                new ResponseStatusException(HttpStatus.NOT_FOUND, "Journey " + key + " has no version " + version));
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_XML)
                .header(HttpHeaders.CONTENT_DISPOSITION, ContentDisposition.attachment()
                        .filename(download.fileName()).build().toString())
                .body(download.content());
    }

    /** What changed from one version to another: steps, events and flows added, removed and changed. */
    @GetMapping("/{key}/changes")
    Map<String, Object> changes(@PathVariable String key, @RequestParam int from, @RequestParam int to) {
        List<Integer> versions = catalog.versions(key);
        if (versions.isEmpty()) {
            throw new ResponseStatusException(HttpStatus.NOT_FOUND, "No journey " + key + " was ever deployed");
        }
        List<FieldViolation> violations = new ArrayList<>();
        if (!versions.contains(from)) {
            violations.add(new FieldViolation("from", "journey " + key + " has no version " + from));
        }
        if (!versions.contains(to)) {
            violations.add(new FieldViolation("to", "journey " + key + " has no version " + to));
        }
        if (!violations.isEmpty()) {
            throw new InvalidInputException(violations);
        }
        return Map.of("key", key, "from", from, "to", to, "changes", catalog.changes(key, from, to).orElseThrow());
    }

    @ExceptionHandler(JourneyUploads.JourneyRefusedException.class)
    ProblemDetail refused(JourneyUploads.JourneyRefusedException e) {
        ProblemDetail detail = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST,
                "The journey was not deployed: " + e.getMessage());
        detail.setTitle("Journey refused");
        detail.setProperty("errors", e.problems());
        return detail;
    }

    @ExceptionHandler(JourneyUploads.StaleJourneyException.class)
    ProblemDetail stale(JourneyUploads.StaleJourneyException e) {
        ProblemDetail detail = ProblemDetail.forStatusAndDetail(HttpStatus.CONFLICT, e.getMessage());
        detail.setTitle("Made from an older version");
        detail.setProperty("journey", e.key());
        detail.setProperty("basedOnVersion", e.basedOn());
        detail.setProperty("liveVersion", e.liveVersion());
        return detail;
    }
}
