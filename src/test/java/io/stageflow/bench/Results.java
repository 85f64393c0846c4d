package io.stageflow.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The benchmark's figures: each printed as it is measured, {@code scenario figure value unit (ratio to baseline)},
 * and all of them as JSON at the end, with the targets of the benchmark issue as PASS or MISS lines.
 */
final class Results {

    record Figure(String scenario, String figure, double value, String unit, String baseline, Double baselineValue) {

        Double ratio() {
            return baselineValue == null || baselineValue == 0 ? null : value / baselineValue;
        }

        String line() {
            Double ratio = ratio();
            return String.format(Locale.ROOT, "%s %s %.1f %s (%s)", scenario, figure, value, unit,
                    ratio == null ? "baseline" : String.format(Locale.ROOT, "%.3f of %s", ratio, baseline));
        }
    }

    private final List<Figure> figures = new ArrayList<>();
    private final List<String> targets = new ArrayList<>();

    synchronized void add(String scenario, String figure, double value, String unit, String baseline,
            Double baselineValue) {
        Figure f = new Figure(scenario, figure, value, unit, baseline, baselineValue);
        figures.add(f);
        System.out.println(f.line());
    }

    synchronized Double value(String key) {
        return figures.stream().filter(f -> (f.scenario() + "." + f.figure()).equals(key)).map(Figure::value)
                .findFirst().orElse(null);
    }

    private Figure find(String prefix) {
        return figures.stream().filter(f -> (f.scenario() + "." + f.figure()).startsWith(prefix)).findFirst()
                .orElse(null);
    }

    /** The targets, as PASS/MISS lines (nothing fails: the runner records). */
    synchronized void targets() {
        Figure journey = find("journey.signups_to_smtp_");
        Double async = value("engine.minimal_async_continuation");
        Double sync = value("engine.minimal_sync_1_thread");
        if (journey != null && async != null) {
            target("journey throughput >= 0.25 of minimal async process", journey.value() / async, 0.25, true);
        }
        if (journey != null && sync != null) {
            target("journey throughput >= 0.25 of minimal sync process", journey.value() / sync, 0.25, true);
        }
        Figure batch = find("ingest.batch100_");
        Double batched = value("db.insert_batched_1000");
        if (batch != null && batched != null) {
            target("batched ingest >= 0.5 of batched insert", batch.value() / batched, 0.5, true);
        }
        Figure alone = figures.stream().filter(f -> f.scenario().equals("ingest")
                && f.figure().startsWith("batch100_") && f.figure().endsWith("_router_stopped")).findFirst().orElse(null);
        if (alone != null && batched != null) {
            target("batched ingest, router stopped, >= 0.5 of batched insert", alone.value() / batched, 0.5, true);
        }
        Double p95 = value("journey.latency_p95");
        if (p95 != null) {
            target("p95 signup-to-SMTP < 1000 ms at 50% load", p95, 1000, false);
        }
        Double render = value("render.welcome_per_core");
        if (render != null) {
            target("rendering >= 10000 renders/s per core", render, 10_000, true);
        }
    }

    private void target(String what, double value, double limit, boolean atLeast) {
        boolean pass = atLeast ? value >= limit : value < limit;
        String line = String.format(Locale.ROOT, "target %s: %s (%.3f)", what, pass ? "PASS" : "MISS", value);
        targets.add(line);
        System.out.println(line);
    }

    /** Writes {@link #json} to {@code target/bench/<fileName>} and says where. */
    void write(String fileName, Map<String, String> settings) throws java.io.IOException {
        java.nio.file.Path out = java.nio.file.Path.of("target", "bench", fileName);
        java.nio.file.Files.createDirectories(out.getParent());
        java.nio.file.Files.writeString(out, json(settings));
        System.out.println("benchmark results written to " + out.toAbsolutePath());
    }

    synchronized String json(Map<String, String> settings) {
        StringBuilder out = new StringBuilder("{\n  \"settings\": {");
        String sep = "\n";
        for (Map.Entry<String, String> e : new TreeMap<>(settings).entrySet()) {
            out.append(sep).append("    ").append(quote(e.getKey())).append(": ").append(quote(e.getValue()));
            sep = ",\n";
        }
        out.append("\n  },\n  \"figures\": [");
        sep = "\n";
        for (Figure f : figures) {
            Double ratio = f.ratio();
            out.append(sep).append(String.format(Locale.ROOT,
                    "    {\"scenario\": %s, \"figure\": %s, \"value\": %.3f, \"unit\": %s, \"baseline\": %s, \"ratio\": %s}",
                    quote(f.scenario()), quote(f.figure()), f.value(), quote(f.unit()),
                    f.baseline() == null ? "null" : quote(f.baseline()),
                    ratio == null ? "null" : String.format(Locale.ROOT, "%.4f", ratio)));
            sep = ",\n";
        }
        out.append("\n  ],\n  \"targets\": [");
        sep = "\n";
        for (String t : targets) {
            out.append(sep).append("    ").append(quote(t));
            sep = ",\n";
        }
        return out.append("\n  ]\n}\n").toString();
    }

    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
