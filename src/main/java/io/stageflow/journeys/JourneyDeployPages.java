package io.stageflow.journeys;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.List;

import jakarta.servlet.http.HttpServletResponse;

import io.stageflow.web.ConsolePage;
import io.stageflow.web.ConsolePaths;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseBody;
import org.springframework.web.multipart.MultipartFile;
import org.springframework.web.server.ResponseStatusException;

/**
 * The console's side of journey versions (docs/console.md): deploy a BPMN file as a new version (marketers and
 * admins), with a refused file drawn and its faulty steps marked on the diagram; download a version to change it;
 * and compare two versions, with the steps added, removed and changed drawn on both diagrams.
 */
@Controller
@ConsolePage
class JourneyDeployPages {

    private final JourneyUploads uploads;
    private final JourneyCatalog catalog;

    JourneyDeployPages(JourneyUploads uploads, JourneyCatalog catalog) {
        this.uploads = uploads;
        this.catalog = catalog;
    }

    @PostMapping(ConsolePaths.JOURNEYS)
    String deploy(@RequestParam(required = false) MultipartFile file, @RequestParam(required = false) String comment,
            Authentication author, Model model, HttpServletResponse response) {
        if (file == null || file.isEmpty()) {
            return refused(model, response, HttpStatus.BAD_REQUEST, file == null ? null : file.getOriginalFilename(),
                    null, List.of(new JourneyUploads.JourneyProblem("file", null, 0, 0,
                            "Choose a BPMN file (.bpmn) to deploy")), null);
        }
        byte[] content;
        try {
            content = file.getBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            JourneyUploads.Deployed deployed = uploads.deploy(file.getOriginalFilename(), content, author.getName(),
                    comment);
            return "redirect:" + ConsolePaths.JOURNEYS + "/" + deployed.key() + "?deployed=" + deployed.version();
        } catch (JourneyUploads.JourneyRefusedException e) {
            return refused(model, response, HttpStatus.BAD_REQUEST, file.getOriginalFilename(), drawable(content),
                    e.problems(), null);
        } catch (JourneyUploads.StaleJourneyException e) {
            return refused(model, response, HttpStatus.CONFLICT, file.getOriginalFilename(), drawable(content),
                    List.of(), e);
        }
    }

    private static String refused(Model model, HttpServletResponse response, HttpStatus status, String fileName,
            String xml, List<JourneyUploads.JourneyProblem> problems, JourneyUploads.StaleJourneyException stale) {
        response.setStatus(status.value());
        model.addAttribute("fileName", fileName);
        model.addAttribute("xml", xml);
        model.addAttribute("problems", problems);
        model.addAttribute("stale", stale);
        model.addAttribute("elementIds", String.join(" ", problems.stream()
                .map(JourneyUploads.JourneyProblem::elementId).filter(id -> id != null && id.matches("[\\w.-]+"))
                .distinct().toList()));
        return "journey-refused";
    }

    /** The file as text for the viewer when it is UTF-8 (a BPMN file is); null when it is not, and not drawn. */
    private static String drawable(byte[] content) {
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(content)).toString();
        } catch (CharacterCodingException notText) {
            return null;
        }
    }

    /** The version's BPMN file, marked as made from it, to change in Camunda Modeler and deploy again. */
    @GetMapping(path = ConsolePaths.JOURNEYS + "/{key}/versions/{version}/bpmn")
    ResponseEntity<byte[]> download(@PathVariable String key, @PathVariable int version) {
        return JourneyDeploymentController.download(catalog, key, version);
    }

    /** Two versions side by side with what changed; by default the live one against the one before it. */
    @GetMapping(ConsolePaths.JOURNEYS + "/{key}/changes")
    String changes(@PathVariable String key, @RequestParam(required = false) Integer from,
            @RequestParam(required = false) Integer to, Model model) {
        JourneyCatalog.Journey journey = catalog.journey(key).orElseThrow(() -> new ResponseStatusException(
                HttpStatus.NOT_FOUND, "No journey " + key + " was ever deployed"));
        List<Integer> versions = catalog.versions(key);
        int after = to == null ? journey.liveVersion() : to;
        int before = from == null ? versions.stream().filter(v -> v < after).findFirst().orElse(after) : from;
        if (!versions.contains(after) || !versions.contains(before)) {
            throw new ResponseStatusException(HttpStatus.NOT_FOUND, "Journey " + key + " has no version "
                    + (versions.contains(after) ? before : after));
        }
        model.addAttribute("journey", journey);
        model.addAttribute("versions", versions);
        model.addAttribute("from", before);
        model.addAttribute("to", after);
        model.addAttribute("changes", catalog.changes(key, before, after).orElseThrow());
        return "journey-changes";
    }

    /** The changes as JSON, for drawing them on the two diagrams. */
    @GetMapping(path = ConsolePaths.JOURNEYS + "/{key}/changes/data", produces = MediaType.APPLICATION_JSON_VALUE)
    @ResponseBody
    List<JourneyCatalog.Change> changeData(@PathVariable String key, @RequestParam int from, @RequestParam int to) {
        return catalog.changes(key, from, to).orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND,
                "Journey " + key + " has no version " + from + " or " + to));
    }
}
