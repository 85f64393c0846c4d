package io.stageflow.templates;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import io.stageflow.web.ConsolePage;
import io.stageflow.web.ConsolePaths;
import io.stageflow.web.FieldViolation;
import io.stageflow.web.InvalidInputException;
import io.stageflow.web.SandboxedHtml;

import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import org.springframework.web.util.HtmlUtils;
import org.springframework.web.util.UriComponentsBuilder;
import org.springframework.web.util.WebUtils;

/**
 * The template editor (docs/console.md): every file of a template, layout or the macros in a code editor, a live
 * preview of the draft as it would be delivered (for a real customer or a sample, per locale, desktop or mobile; for a
 * layout or the macros, through a template that uses them), its mistakes marked on their line, a test send of the
 * draft, and Save draft or Publish. A publish that a send would fail, or a save over a version saved meanwhile, comes back to the editor with
 * the text kept and the reason said: nothing typed is lost. With approval on, Publish says "Ask for approval", and
 * saves the version and asks for it to be published. A layout's or the macros' editor names the templates a publish
 * would change. The list's "New template" form lands here, on a new template's draft version 1.
 */
@Controller
@ConsolePage
class TemplateEditorPages {

    /** The draft previews a session keeps for its frames: the last few, so an old frame finds nothing. */
    private static final int KEPT_PREVIEWS = 5;
    private static final String PREVIEWS = TemplateEditorPages.class.getName() + ".previews";
    private static final List<String> FILE_ORDER = List.of("subject.vm", "preheader.vm", "html.vm", "text.vm");

    private final TemplateVersions versions;
    private final TemplateEditing editing;
    private final TemplatePreviews previews;
    private final TemplateRenderer renderer;
    private final PreviewChoices choices;
    private final TestSender sender;

    TemplateEditorPages(TemplateVersions versions, TemplateEditing editing, TemplatePreviews previews,
            TemplateRenderer renderer, PreviewChoices choices, TestSender sender) {
        this.sender = sender;
        this.versions = versions;
        this.editing = editing;
        this.previews = previews;
        this.renderer = renderer;
        this.choices = choices;
    }

    /**
     * A new template from the list's form: version 1, a draft from {@link NewTemplate#skeleton the skeleton} with the
     * subject typed, opened in the editor; back to the list, with what was typed, when the key is bad or taken.
     */
    @PostMapping(ConsolePaths.TEMPLATES)
    String create(@RequestParam(required = false) String key, @RequestParam(required = false) String subject,
            Authentication author, RedirectAttributes flash) {
        String wanted = key == null ? "" : key.strip();
        try {
            editing.create(wanted, NewTemplate.skeleton(subject), "new template", false, author.getName());
            flash.addFlashAttribute("done", "Created " + wanted + " as draft version 1: change it, preview it, and"
                    + " publish it when it is ready.");
            return "redirect:" + UriComponentsBuilder.fromPath(ConsolePaths.TEMPLATES + "/{key}/edit").encode()
                    .buildAndExpand(wanted).toUriString();
        } catch (InvalidInputException e) {
            flash.addFlashAttribute("newProblem", "Key: " + e.violations().get(0).message() + ".");
        } catch (TemplateEditing.TemplateExistsException e) {
            flash.addFlashAttribute("newProblem", "Key: " + e.getMessage() + ".");
        }
        flash.addFlashAttribute("newKey", wanted);
        flash.addFlashAttribute("newSubject", subject == null ? "" : subject);
        return "redirect:" + ConsolePaths.TEMPLATES + "#new-template";
    }

    @GetMapping(ConsolePaths.TEMPLATES + "/{key}/edit")
    String edit(@PathVariable String key, Model model) {
        TemplatePart part = part(key);
        TemplateVersions.Head head = head(key);
        int from = head.latestVersion();
        return page(model, part, head, from, editing.files(part, from), null);
    }

    /** Saves the files as a draft or publishes them; back to the editor, with the text, when that is refused. */
    @PostMapping(ConsolePaths.TEMPLATES + "/{key}/edit")
    String save(@PathVariable String key, @RequestParam MultiValueMap<String, String> form, Authentication author,
            Model model, HttpServletResponse response, RedirectAttributes flash) {
        TemplatePart part = part(key);
        TemplateVersions.Head head = head(key);
        Map<String, String> files = files(form);
        int base = number(form.getFirst("baseVersion"), head.latestVersion());
        boolean publish = "publish".equals(form.getFirst("action"));
        String comment = blankToNull(form.getFirst("comment"));
        try {
            if (comment != null && comment.length() > 500) {
                throw new InvalidInputException("comment", "must be at most 500 characters");
            }
            TemplateEditing.Outcome outcome = editing.save(key, new NewTemplateVersion(base, files, comment,
                    publish), author.getName());
            TemplateVersions.Version saved = outcome.version();
            flash.addFlashAttribute("done", outcome.awaitingApproval()
                    ? "Saved version " + saved.version() + " and asked for approval: it is published once an"
                            + " approver approves it."
                    : (publish ? "Published version " : "Saved as draft version ") + saved.version()
                            + (publish ? ": every email from now on is rendered from it." : "."));
            return "redirect:" + UriComponentsBuilder.fromPath(ConsolePaths.TEMPLATES + "/{key}/versions/{v}")
                    .encode().buildAndExpand(key, saved.version()).toUriString();
        } catch (TemplateEditing.UnpublishableTemplateException e) {
            response.setStatus(HttpStatus.BAD_REQUEST.value());
            model.addAttribute("problem", e.problem());
            model.addAttribute("refused", "Not published: " + e.problem().describe());
        } catch (TemplateVersions.NewerVersionException e) {
            response.setStatus(HttpStatus.CONFLICT.value());
            base = e.newer().version();
            model.addAttribute("newer", e.newer());
            model.addAttribute("refused", "Not saved: " + e.getMessage() + ". Your text is kept below. Compare it"
                    + " with version " + base + "; saving again replaces version " + base + " with your text.");
        } catch (InvalidInputException e) {
            response.setStatus(HttpStatus.BAD_REQUEST.value());
            model.addAttribute("refused", "Not saved: " + e.violations().stream()
                    .map(violation -> violation.field() + " " + violation.message()).collect(Collectors.joining("; "))
                    + ".");
        }
        model.addAttribute("comment", comment);
        return page(model, part, head(key), base, files, form);
    }

    /** The live preview of the draft: subject, a frame for the HTML part, the text part, or the mistake and its line. */
    @PostMapping(ConsolePaths.TEMPLATES + "/{key}/edit/preview")
    String preview(@PathVariable String key, @RequestParam MultiValueMap<String, String> form, HttpSession session,
            Model model) {
        TemplatePart part = part(key);
        model.addAttribute("key", key);
        try {
            Draft draft = draft(part, form);
            TemplatePreview preview = previews.previewDraft(part, draft.files(), draft.template(), draft.recipient());
            model.addAttribute("preview", preview);
            model.addAttribute("frameId", keep(session, preview.html()));
        } catch (InvalidTemplateException e) {
            model.addAttribute("problem", e.problem());
        } catch (InvalidInputException e) {
            FieldViolation first = e.violations().get(0);
            model.addAttribute("choiceProblem", ("customer".equals(first.field()) ? "Customer: "
                    : "locale".equals(first.field()) ? "Locale: " : "") + first.message() + ".");
        } catch (TemplateRecipients.UnknownCustomerException e) {
            model.addAttribute("choiceProblem", "Customer: " + e.getMessage() + ".");
        }
        return "template-edit :: preview";
    }

    /**
     * Mails the draft once to {@code to}, rendered as the preview shows it but with links acting for that address,
     * as the template page's test send does for the published version; answers with where it went, or why not.
     */
    @PostMapping(ConsolePaths.TEMPLATES + "/{key}/edit/test-send")
    String testSend(@PathVariable String key, @RequestParam MultiValueMap<String, String> form, Model model) {
        TemplatePart part = part(key);
        String to = form.getFirst("to") == null ? "" : form.getFirst("to").strip();
        String problem = choices.addressProblem(to);
        if (problem == null) {
            try {
                Draft draft = draft(part, form);
                TemplatePreview preview = previews.previewDraftForTestSend(part, draft.files(), draft.template(),
                        draft.recipient(), to);
                TestSender.Sent sent = sender.send(draft.template(), preview, to);
                model.addAttribute("sent", new TemplatePages.Sent(to, preview.subject(), sent.messageId()));
            } catch (InvalidTemplateException e) {
                problem = "Not sent: " + e.problem().describe();
            } catch (InvalidInputException e) {
                problem = "Not sent: " + e.violations().get(0).message() + ".";
            } catch (TemplateRecipients.UnknownCustomerException e) {
                problem = "Not sent: customer: " + e.getMessage() + ".";
            } catch (TestSender.NotSentException e) {
                problem = e.getMessage();
            }
        }
        model.addAttribute("sendProblem", problem);
        return "template-edit :: test-send-result";
    }

    /** A draft preview's HTML part, for its sandboxed frame, with the policy that lets it do nothing. */
    @GetMapping(ConsolePaths.TEMPLATES + "/{key}/edit/preview.html")
    ResponseEntity<String> previewHtml(@PathVariable String key, @RequestParam(required = false) String id,
            HttpSession session) {
        part(key);
        String html = kept(session).get(id == null ? "" : id);
        if (html == null) {
            return SandboxedHtml.of(HttpStatus.NOT_FOUND, "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
                    + "<title>No preview</title></head><body><p>" + HtmlUtils.htmlEscape("This preview is no longer"
                    + " kept: change the text to preview it again.") + "</p></body></html>");
        }
        return SandboxedHtml.of(html);
    }

    /** The editor's files, the template they are shown through, and for whom: what a preview and a test send render. */
    private record Draft(Map<String, String> files, String template, PreviewRequest recipient) {
    }

    /**
     * The draft the form holds: its files, the template to render (the part itself, or for a layout or the macros the
     * one chosen), and the recipient chosen; an {@link InvalidInputException} naming the field when one cannot be used.
     */
    private Draft draft(TemplatePart part, MultiValueMap<String, String> form) {
        Map<String, String> files = files(form);
        String template = part.shared() ? form.getFirst("template") : part.key();
        if (template == null || !TemplatePart.isTemplateKey(template)) {
            throw new InvalidInputException("template", "choose a template that uses it");
        }
        TemplatePages.Choice choice = new TemplatePages.Choice(form.getFirst("locale"), form.getFirst("customer"), null);
        return new Draft(files, template, choices.recipient(localeFolders(part, files, template), choice));
    }

    private String page(Model model, TemplatePart part, TemplateVersions.Head head, int base,
            Map<String, String> files, MultiValueMap<String, String> form) {
        TemplateFiles published = renderer.bound().files();
        List<String> users = published.with(part, files, 0).usersOf(part);
        String template = part.shared() ? (users.isEmpty() ? null : users.get(0)) : part.key();
        model.addAttribute("part", part);
        model.addAttribute("head", head);
        model.addAttribute("baseVersion", base);
        model.addAttribute("files", ordered(files));
        model.addAttribute("users", users);
        model.addAttribute("approvalRequired", editing.approvalRequired());
        model.addAttribute("previewTemplate", template);
        model.addAttribute("locales", template == null ? List.of() : localeFolders(part, files, template));
        // Back from a refused save: the preview is for whom it was for.
        model.addAttribute("chosenLocale", form == null ? "" : blankToEmpty(form.getFirst("locale")));
        model.addAttribute("chosenCustomer", form == null ? "" : blankToEmpty(form.getFirst("customer")));
        if (!model.containsAttribute("comment")) {
            model.addAttribute("comment", "");
        }
        return "template-edit";
    }

    private List<String> localeFolders(TemplatePart part, Map<String, String> files, String template) {
        return renderer.bound().files().with(part, files, 0).localeFolders(template);
    }

    /** The files of the form ({@code files[html.vm]}), line endings as the browser sends them made {@code \n}. */
    private static Map<String, String> files(MultiValueMap<String, String> form) {
        Map<String, String> files = new LinkedHashMap<>();
        form.forEach((name, values) -> {
            if (name.startsWith("files[") && name.endsWith("]") && !values.isEmpty()) {
                files.put(name.substring(6, name.length() - 1), values.get(0).replace("\r\n", "\n"));
            }
        });
        return files;
    }

    /** Subject, preheader, HTML and text first, then each locale folder's in the same order. */
    private static List<Map.Entry<String, String>> ordered(Map<String, String> files) {
        List<Map.Entry<String, String>> entries = new ArrayList<>(files.entrySet());
        entries.sort(Comparator.comparing((Map.Entry<String, String> file) -> file.getKey().contains("/")
                        ? file.getKey().substring(0, file.getKey().indexOf('/')) : "")
                .thenComparing(file -> {
                    String name = file.getKey().substring(file.getKey().indexOf('/') + 1);
                    int known = FILE_ORDER.indexOf(name);
                    return (known < 0 ? FILE_ORDER.size() : known) + name;
                }));
        return entries;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, String> kept(HttpSession session) {
        Object kept = session.getAttribute(PREVIEWS);
        return kept instanceof Map<?, ?> map ? (Map<String, String>) map : Map.of();
    }

    private static String keep(HttpSession session, String html) {
        synchronized (WebUtils.getSessionMutex(session)) {
            LinkedHashMap<String, String> kept = new LinkedHashMap<>(kept(session));
            String id = UUID.randomUUID().toString();
            kept.put(id, html);
            while (kept.size() > KEPT_PREVIEWS) {
                kept.remove(kept.keySet().iterator().next());
            }
            session.setAttribute(PREVIEWS, kept);
            return id;
        }
    }

    private static int number(String text, int otherwise) {
        try {
            return text == null ? otherwise : Integer.parseInt(text.strip());
        } catch (NumberFormatException e) {
            return otherwise;
        }
    }

    private static String blankToEmpty(String text) {
        return text == null ? "" : text.strip();
    }

    private static String blankToNull(String text) {
        return text == null || text.isBlank() ? null : text.strip();
    }

    private static TemplatePart part(String key) {
        return TemplatePart.named(key).orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND,
                "No template " + key));
    }

    private TemplateVersions.Head head(String key) {
        return versions.head(key).orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND,
                "No template " + key));
    }
}
