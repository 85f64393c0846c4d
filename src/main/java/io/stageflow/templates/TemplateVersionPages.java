package io.stageflow.templates;

import java.util.Map;

import io.stageflow.security.Roles;
import io.stageflow.web.ConsolePage;
import io.stageflow.web.ConsolePaths;
import io.stageflow.web.InvalidInputException;

import org.springframework.http.HttpStatus;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * A version of a template, layout or the macros in the console (docs/console.md): who made it, when and why, what
 * changed from the version before it, its files, and the buttons to publish it (the newest, a draft or a copy the
 * folder kept back) or to roll back to it. What cannot be published is said on the page, with the file and line.
 * With approval on, those buttons ask for approval; the page says who asked and when, and shows an approver (or an
 * admin) who did not ask the Approve and Reject forms. {@code /templates/approvals} lists the requests waiting.
 */
@Controller
@ConsolePage
class TemplateVersionPages {

    private final TemplateVersions versions;
    private final TemplateEditing editing;
    private final TemplateApprovals approvals;

    TemplateVersionPages(TemplateVersions versions, TemplateEditing editing, TemplateApprovals approvals) {
        this.versions = versions;
        this.editing = editing;
        this.approvals = approvals;
    }

    /** The requests waiting for an approver, oldest first, each with a link to its version. */
    @GetMapping(ConsolePaths.TEMPLATES + "/approvals")
    String approvals(Model model) {
        model.addAttribute("requests", approvals.pending());
        model.addAttribute("approvalRequired", editing.approvalRequired());
        return "template-approvals";
    }

    @GetMapping(ConsolePaths.TEMPLATES + "/{key}/versions/{version}")
    String version(@PathVariable String key, @PathVariable int version, Authentication user, Model model) {
        TemplatePart part = TemplatePart.named(key).orElseThrow(() -> notFound(key, version));
        TemplateVersions.Head head = versions.head(key).orElseThrow(() -> notFound(key, version));
        TemplateVersions.Version shown = versions.version(key, version).orElseThrow(() -> notFound(key, version));
        Map<String, String> files = editing.files(part, version);
        model.addAttribute("part", part);
        model.addAttribute("head", head);
        model.addAttribute("version", shown);
        model.addAttribute("files", files);
        model.addAttribute("diff", version > 1 ? editing.diff(key, version - 1, version) : null);
        TemplateApprovals.Request waiting = approvals.pending(key, version).orElse(null);
        model.addAttribute("approvalRequired", editing.approvalRequired());
        model.addAttribute("waiting", waiting);
        model.addAttribute("decided", approvals.of(key, version).stream().filter(request -> !request.pending())
                .toList());
        model.addAttribute("mayDecide", waiting != null && !waiting.requestedBy().equals(user.getName())
                && user.getAuthorities().stream().map(GrantedAuthority::getAuthority).anyMatch(role ->
                        role.equals("ROLE_" + Roles.APPROVER) || role.equals("ROLE_" + Roles.ADMIN)));
        return "template-version";
    }

    @PostMapping(ConsolePaths.TEMPLATES + "/{key}/versions/{version}/publish")
    String publish(@PathVariable String key, @PathVariable int version, Authentication author,
            RedirectAttributes flash) {
        try {
            TemplateEditing.Outcome outcome = editing.publish(key, version, author.getName(), null);
            flash.addFlashAttribute("done", outcome.awaitingApproval()
                    ? "Asked for approval: version " + version + " is published once an approver approves it."
                    : "Version " + version + " is published: every email from now on is rendered from it.");
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
            TemplateEditing.Outcome outcome = editing.rollBack(key, version, null, author.getName());
            int added = outcome.version().version();
            flash.addFlashAttribute("done", outcome.awaitingApproval()
                    ? "Asked for approval: version " + added + " has the files of version " + version
                            + ", and is published once an approver approves it."
                    : "Rolled back: version " + added + " has the files of version " + version
                            + ", and is published.");
            return "redirect:" + page(key, added);
        } catch (TemplateEditing.UnpublishableTemplateException e) {
            flash.addFlashAttribute("refused", "Not rolled back: " + e.problem().describe());
            return "redirect:" + page(key, version);
        }
    }

    /** An approver publishes the version asked for, unless its checks (or a newer version) refuse it. */
    @PostMapping(ConsolePaths.TEMPLATES + "/{key}/versions/{version}/approve")
    String approve(@PathVariable String key, @PathVariable int version, Authentication approver,
            RedirectAttributes flash) {
        try {
            editing.approve(key, version, approver.getName());
            flash.addFlashAttribute("done", "Approved: version " + version + " is published, every email from now on"
                    + " is rendered from it.");
        } catch (TemplateEditing.UnpublishableTemplateException e) {
            flash.addFlashAttribute("refused", "Not approved: " + e.problem().describe());
        } catch (TemplateVersions.NewerVersionException e) {
            flash.addFlashAttribute("refused", "Not approved: " + e.getMessage() + ". Reject this request.");
        } catch (TemplateEditing.ApprovalConflictException e) {
            flash.addFlashAttribute("refused", "Not approved: " + e.getMessage() + ".");
        }
        return "redirect:" + page(key, version);
    }

    /** An approver rejects the version asked for, saying why. */
    @PostMapping(ConsolePaths.TEMPLATES + "/{key}/versions/{version}/reject")
    String reject(@PathVariable String key, @PathVariable int version,
            @RequestParam(required = false) String reason, Authentication approver, RedirectAttributes flash) {
        try {
            editing.reject(key, version, approver.getName(), reason);
            flash.addFlashAttribute("done", "Rejected: version " + version + " stays unpublished.");
        } catch (InvalidInputException e) {
            flash.addFlashAttribute("refused", "Not rejected: the reason " + e.violations().get(0).message() + ".");
        } catch (TemplateEditing.ApprovalConflictException e) {
            flash.addFlashAttribute("refused", "Not rejected: " + e.getMessage() + ".");
        }
        return "redirect:" + page(key, version);
    }

    private static String page(String key, int version) {
        return UriComponentsBuilder.fromPath(ConsolePaths.TEMPLATES + "/{key}/versions/{version}").encode()
                .buildAndExpand(key, version).toUriString();
    }

    private static ResponseStatusException notFound(String key, int version) {
        return new ResponseStatusException(HttpStatus.NOT_FOUND, "No version " + version + " of template " + key);
    }
}
