package io.stageflow.templates;

import java.util.Map;

import io.stageflow.web.ConsolePage;
import io.stageflow.web.ConsolePaths;

import org.springframework.http.HttpStatus;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * A version of a template, layout or the macros in the console (docs/console.md): who made it, when and why, what
 * changed from the version before it, its files, and the buttons to publish it (the newest, a draft or a copy the
 * folder kept back) or to roll back to it. What cannot be published is said on the page, with the file and line.
 */
@Controller
@ConsolePage
class TemplateVersionPages {

    private final TemplateVersions versions;
    private final TemplateEditing editing;

    TemplateVersionPages(TemplateVersions versions, TemplateEditing editing) {
        this.versions = versions;
        this.editing = editing;
    }

    @GetMapping(ConsolePaths.TEMPLATES + "/{key}/versions/{version}")
    String version(@PathVariable String key, @PathVariable int version, Model model) {
        TemplatePart part = TemplatePart.named(key).orElseThrow(() -> notFound(key, version));
        TemplateVersions.Head head = versions.head(key).orElseThrow(() -> notFound(key, version));
        TemplateVersions.Version shown = versions.version(key, version).orElseThrow(() -> notFound(key, version));
        Map<String, String> files = editing.files(part, version);
        model.addAttribute("part", part);
        model.addAttribute("head", head);
        model.addAttribute("version", shown);
        model.addAttribute("files", files);
        model.addAttribute("diff", version > 1 ? editing.diff(key, version - 1, version) : null);
        return "template-version";
    }

    @PostMapping(ConsolePaths.TEMPLATES + "/{key}/versions/{version}/publish")
    String publish(@PathVariable String key, @PathVariable int version, RedirectAttributes flash) {
        try {
            editing.publish(key, version);
            flash.addFlashAttribute("done", "Version " + version + " is published: every email from now on is"
                    + " rendered from it.");
        } catch (TemplateEditing.UnpublishableTemplateException e) {
            flash.addFlashAttribute("refused", "Not published: " + e.problem().describe());
        } catch (TemplateVersions.NewerVersionException e) {
            flash.addFlashAttribute("refused", "Not published: " + e.getMessage() + ". Roll back to this version"
                    + " instead, or publish the newest.");
        }
        return "redirect:" + page(key, version);
    }

    @PostMapping(ConsolePaths.TEMPLATES + "/{key}/versions/{version}/rollback")
    String rollBack(@PathVariable String key, @PathVariable int version, Authentication author,
            RedirectAttributes flash) {
        try {
            TemplateVersions.Version added = editing.rollBack(key, version, null, author.getName());
            flash.addFlashAttribute("done", "Rolled back: version " + added.version() + " has the files of version "
                    + version + ", and is published.");
            return "redirect:" + page(key, added.version());
        } catch (TemplateEditing.UnpublishableTemplateException e) {
            flash.addFlashAttribute("refused", "Not rolled back: " + e.problem().describe());
            return "redirect:" + page(key, version);
        }
    }

    private static String page(String key, int version) {
        return UriComponentsBuilder.fromPath(ConsolePaths.TEMPLATES + "/{key}/versions/{version}").encode()
                .buildAndExpand(key, version).toUriString();
    }

    private static ResponseStatusException notFound(String key, int version) {
        return new ResponseStatusException(HttpStatus.NOT_FOUND, "No version " + version + " of template " + key);
    }
}
