package io.stageflow.templates;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import io.stageflow.web.ConsolePage;
import io.stageflow.web.ConsolePaths;
import io.stageflow.web.FieldViolation;
import io.stageflow.web.InvalidInputException;
import io.stageflow.web.SandboxedHtml;


import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import org.springframework.web.util.HtmlUtils;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * The console's templates (docs/console.md): the list, with each template's locale folders and subject line, the
 * new templates not yet published, the layouts and macros, every part whose folder's copy was kept back, the requests
 * waiting for approval and the "New template" form; and each template's page, with its versions
 * ({@link TemplateVersionPages}), its preview for a real customer or sample traits in the locale chosen, exactly as
 * delivery would render it (the same {@link TemplatePreviews} as the preview API), and a test send to an address
 * the user types. A template with a mistake shows the file, line and reference at fault, never an error page.
 *
 * <p>The HTML part is shown in a sandboxed frame from {@code preview.html}, which answers with its own
 * Content-Security-Policy: no script, no form, no request but images and fonts over https, and the CSP sandbox, so
 * an email's markup can do nothing in the console even when that address is opened on its own. Previews are not
 * tracked (tracking rewrites links and adds the open pixel only as the outbox sends an email), so looking at one
 * records no open or click.
 */
@Controller
@ConsolePage
class TemplatePages {

    private final TemplateRenderer renderer;
    private final TemplatePreviews previews;
    private final TestSender sender;
    private final TemplateVersions versions;
    private final PreviewChoices choices;
    private final TemplateApprovals approvals;
    private final TemplateEditing editing;

    TemplatePages(TemplateRenderer renderer, TemplatePreviews previews, TestSender sender,
            TemplateVersions versions, PreviewChoices choices, TemplateApprovals approvals, TemplateEditing editing) {
        this.approvals = approvals;
        this.editing = editing;
        this.versions = versions;
        this.choices = choices;
        this.renderer = renderer;
        this.previews = previews;
        this.sender = sender;
    }

    @GetMapping(ConsolePaths.TEMPLATES)
    String templates(Model model) {
        model.addAttribute("templates", renderer.templateKeys().stream().map(this::summary).toList());
        List<TemplateVersions.Head> heads = versions.heads();
        model.addAttribute("sharedParts", heads.stream().filter(head -> new TemplatePart(head.key()).shared())
                .map(head -> new Part(new TemplatePart(head.key()), head)).toList());
        model.addAttribute("keptBack", heads.stream().filter(TemplateVersions.Head::fileKeptBack)
                .map(head -> new Part(new TemplatePart(head.key()), head)).toList());
        model.addAttribute("drafts", heads.stream().filter(head -> !new TemplatePart(head.key()).shared()
                && head.publishedVersion() == null && head.fileVersion() == null)
                .map(head -> new Part(new TemplatePart(head.key()), head)).toList());
        model.addAttribute("waitingApprovals", approvals.pending().size());
        model.addAttribute("approvalRequired", editing.approvalRequired());
        model.addAttribute("skeletonSubject", NewTemplate.DEFAULT_SUBJECT);
        return "templates";
    }

    /** The subject line a customer without a first name gets from the template's own folder, or its problem. */
    private Summary summary(String key) {
        List<String> locales = renderer.localeFolders(key);
        try {
            TemplatePreview preview = previews.preview(key, new PreviewRequest(null, Map.of(), PreviewChoices.NO_LANGUAGE, null));
            return new Summary(key, locales, preview.subject(), null);
        } catch (InvalidTemplateException e) {
            return new Summary(key, locales, null, e.problem().describe());
        }
    }

    @GetMapping(ConsolePaths.TEMPLATES + "/{key}")
    String template(@PathVariable String key, Choice choice, Model model) {
        requireTemplate(key);
        Attempt attempt = attempt(key, choice, null);
        model.addAttribute("key", key);
        model.addAttribute("locales", renderer.localeFolders(key));
        model.addAttribute("choice", choice);
        model.addAttribute("attempt", attempt);
        model.addAttribute("previewUrl", url(key, choice, "/preview.html"));
        model.addAttribute("head", versions.head(key).orElse(null));
        model.addAttribute("versions", versions.versions(key));
        return "template";
    }

    /** The HTML part alone, for the page's sandboxed frame, with a policy that lets it do nothing. */
    @GetMapping(ConsolePaths.TEMPLATES + "/{key}/preview.html")
    ResponseEntity<String> previewHtml(@PathVariable String key, Choice choice) {
        requireTemplate(key);
        Attempt attempt = attempt(key, choice, null);
        if (attempt.preview() != null) {
            return SandboxedHtml.of(attempt.preview().html());
        }
        return SandboxedHtml.of(HttpStatus.UNPROCESSABLE_ENTITY, "<!DOCTYPE html><html lang=\"en\"><head>"
                + "<meta charset=\"utf-8\"><title>No preview</title></head><body><p>"
                + HtmlUtils.htmlEscape(attempt.problem()) + "</p></body></html>");
    }

    /**
     * Mails the preview once to {@code to}, rendered as for the test send API (links acting for that address), and
     * goes back to the page, which says where it was sent or why not.
     */
    @PostMapping(ConsolePaths.TEMPLATES + "/{key}/test-send")
    String testSend(@PathVariable String key, Choice choice, @RequestParam(required = false) String to,
            RedirectAttributes flash) {
        requireTemplate(key);
        String address = to == null ? "" : to.strip();
        String problem = choices.addressProblem(address);
        if (problem == null) {
            Attempt attempt = attempt(key, choice, address);
            if (attempt.preview() == null) {
                problem = "Not sent: " + attempt.problem();
            } else {
                try {
                    String messageId = sender.send(key, attempt.preview(), address).messageId();
                    flash.addFlashAttribute("sent", new Sent(address, attempt.preview().subject(), messageId));
                } catch (TestSender.NotSentException e) {
                    problem = e.getMessage();
                }
            }
        }
        flash.addFlashAttribute("sendProblem", problem);
        flash.addFlashAttribute("to", problem == null ? "" : address);
        return "redirect:" + url(key, choice, "");
    }

    /** The preview for the choice, or what keeps it from being shown. */
    private Attempt attempt(String key, Choice choice, String testAddress) {
        try {
            PreviewRequest recipient = choices.recipient(renderer.localeFolders(key), choice);
            return Attempt.shown(testAddress == null ? previews.preview(key, recipient)
                    : previews.previewForTestSend(key, recipient, testAddress));
        } catch (InvalidInputException e) {
            FieldViolation first = e.violations().get(0);
            return Attempt.refused(first.field().startsWith("sampleTraits") ? "traits" : first.field(),
                    e.violations().stream().map(TemplatePages::sentence).collect(Collectors.joining(" ")));
        } catch (TemplateRecipients.UnknownCustomerException e) {
            return Attempt.refused("customer", "Customer: " + e.getMessage() + ".");
        } catch (InvalidTemplateException e) {
            return Attempt.broken(e.problem());
        }
    }

    private static String sentence(FieldViolation violation) {
        String field = switch (violation.field()) {
            case "locale" -> "Locale";
            case "customer" -> "Customer";
            case "traits" -> "Sample traits";
            default -> "Sample traits, " + violation.field().replace("sampleTraits.", "");
        };
        return field + ": " + violation.message() + ".";
    }

    private void requireTemplate(String key) {
        if (!renderer.exists(key)) {
            throw new ResponseStatusException(HttpStatus.NOT_FOUND, "No template " + key + ": a template is a folder"
                    + " under templates/ named with lower-case letters, digits and dashes");
        }
    }

    /** The page (or a path below it) for the same choice. */
    private static String url(String key, Choice choice, String below) {
        UriComponentsBuilder url = UriComponentsBuilder.fromPath(ConsolePaths.TEMPLATES + "/{key}" + below);
        if (choice.locale() != null && !choice.locale().isBlank()) {
            url.queryParam("locale", choice.locale());
        }
        if (choice.customer() != null && !choice.customer().isBlank()) {
            url.queryParam("customer", choice.customer().strip());
        } else if (choice.traits() != null && !choice.traits().isBlank()) {
            url.queryParam("traits", choice.traits());
        }
        return url.encode().buildAndExpand(key).toUriString();
    }

    /**
     * What the page's form asks for.
     *
     * @param locale   a locale folder, {@code default} for the template's own folder, or empty for the customer's own
     * @param customer a customer's id or email address; empty for a made-up customer
     * @param traits   the made-up customer's traits as a JSON object ({@code firstName}, {@code locale}, … among them)
     */
    record Choice(String locale, String customer, String traits) {
    }

    /** A layout, the macros, or a part whose folder's copy was kept back, with where its versions stand. */
    record Part(TemplatePart part, TemplateVersions.Head head) {
    }

    /** A row of the list: a template, its locale folders, and its subject line or the problem that keeps it. */
    record Summary(String key, List<String> locales, String subject, String problem) {
    }

    /**
     * A preview, or why there is none: a field of the form ({@code field}, {@code problem}), or a mistake in the
     * template ({@code templateProblem}).
     */
    record Attempt(TemplatePreview preview, String field, String problem, TemplateProblem templateProblem) {

        static Attempt shown(TemplatePreview preview) {
            return new Attempt(preview, null, null, null);
        }

        static Attempt refused(String field, String problem) {
            return new Attempt(null, field, problem, null);
        }

        static Attempt broken(TemplateProblem problem) {
            return new Attempt(null, null, problem.describe(), problem);
        }
    }

    /** A test email handed to the mail server. */
    record Sent(String to, String subject, String messageId) {
    }
}
