package io.stageflow.imports;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import io.stageflow.jobs.JobControl;
import io.stageflow.jobs.JobProgress;
import io.stageflow.jobs.JobRestarts;
import io.stageflow.web.ConsolePage;
import io.stageflow.web.ConsolePaths;
import io.stageflow.web.InvalidInputException;
import io.stageflow.web.TimeLeft;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.JobExecution;
import org.springframework.core.io.Resource;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.multipart.MultipartFile;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.servlet.ModelAndView;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * The console's imports (docs/console.md), for admins: upload a CSV file of customers or products (stored and started exactly as
 * {@code POST /api/v1/imports} does), the recent imports, and each import's page with its progress as it runs (a
 * fragment the page polls until the job ends), its error report when it has ended, and stopping or restarting it.
 */
@Controller
@ConsolePage
class ImportPages {

    private static final Logger log = LoggerFactory.getLogger(ImportPages.class);
    private static final MediaType CSV = new MediaType("text", "csv", StandardCharsets.UTF_8);

    /** How many imports the list shows: the latest. */
    static final int RECENT = 20;
    /** How many lines of an error report the page shows; the download has them all. */
    static final int SHOWN_ERRORS = 100;

    private final ImportFiles files;
    private final ImportJobs jobs;
    private final JobControl control;
    private final List<ImportTarget<?>> targets;

    ImportPages(ImportFiles files, ImportJobs jobs, JobControl control, List<ImportTarget<?>> targets) {
        this.files = files;
        this.jobs = jobs;
        this.control = control;
        this.targets = targets;
    }

    @GetMapping(ConsolePaths.IMPORTS)
    String imports(Model model) {
        fillList(model, null);
        return "imports";
    }

    /** Stores the file and starts importing it, then shows its page; a file that cannot start says why. */
    @PostMapping(ConsolePaths.IMPORTS)
    ModelAndView upload(@RequestParam(name = "file", required = false) MultipartFile file,
            @RequestParam(name = "kind", required = false) String kind, Model model) {
        try {
            if (file == null || (file.isEmpty() && (file.getOriginalFilename() == null
                    || file.getOriginalFilename().isBlank()))) {
                throw new InvalidInputException("file", "is missing: choose a CSV file to import");
            }
            JobExecution execution = jobs.start(files.store(ImportFiles.kindOrDefault(kind), file));
            log.info("Import job {} accepted from the console", execution.getId());
            return new ModelAndView("redirect:" + ConsolePaths.IMPORTS + "/" + execution.getId());
        } catch (InvalidInputException e) {
            String name = file == null || file.getOriginalFilename() == null || file.getOriginalFilename().isBlank()
                    ? "The file" : "The file " + file.getOriginalFilename();
            fillList(model, name + " was not imported: " + e.violations().stream()
                    .map(violation -> violation.message().startsWith("is ") ? "it " + violation.message()
                            : violation.message())
                    .collect(Collectors.joining("; ")) + ".");
            ModelAndView page = new ModelAndView("imports", model.asMap());
            page.setStatus(HttpStatus.BAD_REQUEST);
            return page;
        }
    }

    @GetMapping(ConsolePaths.IMPORTS + "/{id}")
    String importPage(@PathVariable long id, Model model) {
        model.addAttribute("imp", view(execution(id)));
        return "import";
    }

    /** The polled part of an import's page: its progress, and once it has ended its error report and actions. */
    @GetMapping(ConsolePaths.IMPORTS + "/{id}/progress")
    String progress(@PathVariable long id, Model model) {
        model.addAttribute("imp", view(execution(id)));
        return "import :: update";
    }

    /** The whole error report, as {@code GET /api/v1/imports/{id}/errors} gives it, for a signed-in admin. */
    @GetMapping(ConsolePaths.IMPORTS + "/{id}/errors.csv")
    ResponseEntity<Resource> errors(@PathVariable long id) {
        Path report = jobs.errorReport(id).orElseThrow(() -> notFound(id));
        return ResponseEntity.ok().contentType(CSV)
                .header(HttpHeaders.CONTENT_DISPOSITION, ContentDisposition.attachment()
                        .filename("import-" + id + "-errors.csv").build().toString())
                .body(ErrorReport.download(report));
    }

    @PostMapping(ConsolePaths.IMPORTS + "/{id}/stop")
    String stop(@PathVariable long id, RedirectAttributes redirect) {
        execution(id);
        try {
            jobs.stop(id);
            log.info("Import job {} asked to stop from the console", id);
            redirect.addFlashAttribute("notice", "Asked to stop: the import stops after the rows it is on now. "
                    + "You can restart it later.");
        } catch (JobRestarts.JobStateException e) {
            redirect.addFlashAttribute("problem", "Not stopped: " + e.getMessage() + ".");
        }
        return "redirect:" + ConsolePaths.IMPORTS + "/" + id;
    }

    @PostMapping(ConsolePaths.IMPORTS + "/{id}/restart")
    String restart(@PathVariable long id, RedirectAttributes redirect) {
        execution(id);
        try {
            JobExecution again = jobs.restart(id);
            log.info("Import job {} restarted from the console as job {}", id, again.getId());
            redirect.addFlashAttribute("notice", "Restarted: this run goes on from the last rows import " + id
                    + " committed.");
            return "redirect:" + ConsolePaths.IMPORTS + "/" + again.getId();
        } catch (JobRestarts.JobStateException e) {
            redirect.addFlashAttribute("problem", "Not restarted: " + e.getMessage() + ".");
            return "redirect:" + ConsolePaths.IMPORTS + "/" + id;
        }
    }

    private void fillList(Model model, String problem) {
        model.addAttribute("problem", problem);
        model.addAttribute("kinds", targets.stream().map(target -> new Kind(target.kind(),
                target.columns().known().stream().map(column -> new Column(column, target.meanings().get(column),
                        target.columns().required().contains(column))).toList(), target.columns().traits())).toList());
        List<JobExecution> recent = jobs.recent(RECENT);
        // The list holds every run of its imports: each run's siblings are there, with no query more.
        Map<Long, List<JobExecution>> runs = recent.stream()
                .collect(Collectors.groupingBy(execution -> execution.getJobInstance().getInstanceId()));
        model.addAttribute("imports", recent.stream().map(execution -> view(execution,
                runs.get(execution.getJobInstance().getInstanceId()), false)).toList());
    }

    private JobExecution execution(long id) {
        return jobs.find(id).orElseThrow(() -> notFound(id));
    }

    private static ResponseStatusException notFound(long id) {
        return new ResponseStatusException(HttpStatus.NOT_FOUND, "No import has the id " + id + ".");
    }

    /** An import's page, with its error report once it has ended. */
    private ImportView view(JobExecution execution) {
        return view(execution, jobs.runsOf(execution), true);
    }

    /** {@code siblings}: every run of the same import, in any order. */
    private ImportView view(JobExecution execution, List<JobExecution> siblings, boolean withErrors) {
        JobProgress progress = control.progress(execution);
        List<JobExecution> runs = siblings.stream().sorted(Comparator.comparing(JobExecution::getId)).toList();
        int index = 0;
        while (index < runs.size() && !runs.get(index).getId().equals(execution.getId())) {
            index++;
        }
        boolean found = index < runs.size();
        Long restartOf = found && index > 0 ? runs.get(index - 1).getId() : null;
        Long restartedAs = found && index < runs.size() - 1 ? runs.get(index + 1).getId() : null;
        boolean ended = !execution.isRunning();
        // Where a restart goes on: after the rows its previous run committed (known before the restart has started).
        long resumedAfter = restartOf == null ? 0 : control.progress(runs.get(index - 1)).position();
        ErrorReport.Lines errors = ended && withErrors ? jobs.errorReport(execution.getId())
                .map(report -> ErrorReport.read(report, SHOWN_ERRORS)).orElse(new ErrorReport.Lines(List.of(), 0))
                : null;
        return ImportView.of(jobs.kindOf(execution).orElseThrow(), progress, execution.getStatus(), restartOf,
                resumedAfter, restartedAs, errors);
    }

    /** A kind of file the form takes: its columns, and whether any other column is a trait. */
    record Kind(String name, List<Column> columns, boolean traits) {
    }

    /** A column of the file, what it holds, and whether a file must have it. */
    record Column(String name, String meaning, boolean required) {
    }

    /**
     * An import (one run of it) as the console shows it.
     *
     * @param done        rows done (imported or skipped) as of the last commit, over every run of the import
     * @param kind        what the file holds: customers or products
     * @param imported    rows imported (records created, updated or unchanged) over every run
     * @param skippedRows rows skipped for their errors over every run
     * @param resumedAfter for a restart, the rows its previous run had done: it goes on after them
     * @param errors      for an ended run's page, the first lines of its error report; null while it runs
     */
    record ImportView(long id, String kind, String status, String state, boolean running, boolean restartable,
            Instant startedAt, Instant endedAt, Long rows, long done, long imported, long skippedRows, long read,
            long written, long skipped, Double rowsPerSecond, Long secondsLeft, Long restartOf, long resumedAfter,
            Long restartedAs, ErrorReport.Lines errors) {

        private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")
                .withZone(ZoneOffset.UTC);

        static ImportView of(String kind, JobProgress progress, BatchStatus status, Long restartOf, long resumedAfter,
                Long restartedAs, ErrorReport.Lines errors) {
            Long created = progress.count("created");
            Long updated = progress.count("updated");
            Long unchanged = progress.count("unchanged");
            long imported = created == null || updated == null || unchanged == null ? progress.written()
                    : created + updated + unchanged;
            long done = progress.position();
            boolean restartable = (status == BatchStatus.FAILED || status == BatchStatus.STOPPED)
                    && restartedAs == null;
            return new ImportView(progress.id(), kind, status.name(), state(status), status.isRunning(), restartable,
                    progress.startedAt(), progress.endedAt(), progress.rows(), done, imported,
                    Math.max(0, done - imported), progress.read(), progress.written(), progress.skipped(),
                    progress.rowsPerSecond(), progress.secondsLeft(), restartOf, resumedAfter, restartedAs,
                    errors);
        }

        private static String state(BatchStatus status) {
            return switch (status) {
                case STARTING -> "Starting";
                case STARTED -> "Running";
                case STOPPING -> "Stopping";
                case STOPPED -> "Stopped";
                case FAILED -> "Failed";
                case COMPLETED -> "Done";
                case ABANDONED -> "Abandoned";
                case UNKNOWN -> "Unknown";
            };
        }

        /** How much is done, in whole percent (all of it once the run has ended without a known total). */
        public int percent() {
            if (rows == null || rows == 0) {
                return running ? 0 : 100;
            }
            return (int) Math.min(100, done * 100 / rows);
        }

        public String started() {
            return startedAt == null ? "not yet" : WHEN.format(startedAt);
        }

        public String ended() {
            return endedAt == null ? "" : WHEN.format(endedAt);
        }

        /** The time left, in words: "about 2 min 5 s"; null when unknown. */
        public String timeLeft() {
            return TimeLeft.inWords(secondsLeft);
        }
    }
}
