package io.stageflow.journeys;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.stageflow.web.FieldViolation;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The second wall against code in queries, in front of the engine's REST APIs ({@code /engine-rest/*} and the
 * webapps' {@code /camunda/api/engine/*}): a request that carries an expression the
 * {@link QueryExpressionAllowList} does not accept is answered 400 (problem+json naming the field) and never
 * reaches the engine. An expression is any query parameter or JSON field whose name ends in {@code Expression},
 * and any parameter or JSON string that contains {@code ${} or {@code #{}, at any depth (so {@code orQueries}
 * and a filter's {@code query} are covered), and likewise in form bodies. Any other body must not contain either
 * marker, except multipart ones: deployments, whose BPMN legitimately holds expressions, and which only admins
 * may post. The engine's own guard ({@link QueryExpressionGuard}) stands behind this one.
 */
final class EngineRequestExpressionWall extends OncePerRequestFilter {

    private static final String EXPRESSION_SUFFIX = "expression";

    private final QueryExpressionAllowList allowList;
    private final ObjectMapper json;
    private final ObjectMapper strictJson;
    private final EngineProblems problems;
    private final long maxBody;

    EngineRequestExpressionWall(QueryExpressionAllowList allowList, ObjectMapper json, EngineProblems problems,
            long maxBody) {
        this.allowList = allowList;
        // The application's mapper may be strict about duplicate keys already (spring.jackson.parser.*); this one is
        // lenient, to tell "JSON with a key twice" from "not JSON".
        this.json = json.copy().disable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        // A key given twice could hide one value from this check; the engine would bind the last one.
        this.strictJson = json.copy().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        this.problems = problems;
        this.maxBody = maxBody;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        List<FieldViolation> violations = new ArrayList<>();
        for (Map.Entry<String, String[]> parameter : parameters(request.getQueryString()).entrySet()) {
            for (String value : parameter.getValue()) {
                check(parameter.getKey(), parameter.getKey(), value, violations);
            }
        }
        HttpServletRequest forward = request;
        String encoding = request.getHeader("Content-Encoding");
        if (encoding != null && !encoding.isBlank() && !"identity".equalsIgnoreCase(encoding.trim())) {
            // A compressed body could not be checked here.
            problems.write(request, response, HttpStatus.UNSUPPORTED_MEDIA_TYPE, "Unsupported content encoding",
                    "Send engine requests uncompressed", List.of());
            return;
        }
        if (hasBody(request) && !isMultipart(request)) {
            byte[] body = request.getInputStream().readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBody + 1));
            if (body.length > maxBody) {
                problems.write(request, response, HttpStatus.PAYLOAD_TOO_LARGE, "Request body too large",
                        "The body is larger than " + maxBody + " bytes", List.of());
                return;
            }
            checkBody(body, ReplayedBodyRequest.charsetOf(request), request.getContentType(), violations);
            forward = new ReplayedBodyRequest(request, body);
        }
        if (!violations.isEmpty()) {
            problems.write(request, response, HttpStatus.BAD_REQUEST, "Expression not allowed",
                    "Engine requests may carry only the query expressions on Stageflow's allow-list; see errors.",
                    violations);
            return;
        }
        chain.doFilter(forward, response);
    }

    /**
     * A query string or form body, parsed here: asking the container for its parameter map would consume a form
     * body before the engine could read it.
     */
    private static Map<String, String[]> parameters(String query) {
        if (query == null || query.isEmpty()) {
            return Map.of();
        }
        Map<String, List<String>> parsed = new LinkedHashMap<>();
        for (String pair : query.split("&")) {
            int equals = pair.indexOf('=');
            String name = decode(equals < 0 ? pair : pair.substring(0, equals));
            String value = equals < 0 ? "" : decode(pair.substring(equals + 1));
            parsed.computeIfAbsent(name, key -> new ArrayList<>()).add(value);
        }
        Map<String, String[]> result = new LinkedHashMap<>();
        parsed.forEach((name, values) -> result.put(name, values.toArray(String[]::new)));
        return result;
    }

    /**
     * A malformed escape becomes {@code ${}, which the allow-list refuses: what another decoder would make of it
     * cannot be checked here.
     */
    private static String decode(String text) {
        try {
            return URLDecoder.decode(text, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return "${";
        }
    }

    private void checkBody(byte[] body, Charset charset, String contentType, List<FieldViolation> violations) {
        if (body.length == 0) {
            return;
        }
        JsonNode tree = parse(strictJson, body);
        if (tree != null) {
            walk("", tree, violations);
            return;
        }
        if (parse(json, body) != null) {
            violations.add(new FieldViolation("(body)", "has a key twice"));
            return;
        }
        // Not JSON (or JSON the engine would refuse too): no expression may hide in it, whatever it is.
        String text = new String(body, charset);
        if (isForm(contentType)) {
            for (Map.Entry<String, String[]> parameter : parameters(text).entrySet()) {
                for (String value : parameter.getValue()) {
                    check(parameter.getKey(), parameter.getKey(), value, violations);
                }
            }
        } else if (containsMarker(text)) {
            violations.add(new FieldViolation("(body)", "contains an expression marker (${ or #{)"));
        }
    }

    private static JsonNode parse(ObjectMapper mapper, byte[] body) {
        try {
            return mapper.readTree(body);
        } catch (IOException e) {
            return null;
        }
    }

    private void walk(String path, JsonNode node, List<FieldViolation> violations) {
        if (node.isObject()) {
            Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                String child = path.isEmpty() ? field.getKey() : path + "." + field.getKey();
                JsonNode value = field.getValue();
                if (isExpressionName(field.getKey()) && !value.isTextual() && !value.isNull()) {
                    violations.add(new FieldViolation(child, "must be a string expression"));
                } else if (value.isTextual()) {
                    check(field.getKey(), child, value.textValue(), violations);
                } else {
                    walk(child, value, violations);
                }
                if (containsMarker(field.getKey())) {
                    violations.add(new FieldViolation(child, "a field name cannot hold an expression"));
                }
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                JsonNode element = node.get(i);
                String child = path + "[" + i + "]";
                if (element.isTextual()) {
                    check("", child, element.textValue(), violations);
                } else {
                    walk(child, element, violations);
                }
            }
        }
    }

    private void check(String name, String path, String value, List<FieldViolation> violations) {
        if (isExpressionName(name) || containsMarker(value) || containsMarker(name)) {
            String rejection = allowList.rejection(value);
            if (rejection != null) {
                violations.add(new FieldViolation(path, rejection));
            }
        }
    }

    private static boolean isExpressionName(String name) {
        return name.toLowerCase(Locale.ROOT).endsWith(EXPRESSION_SUFFIX);
    }

    private static boolean containsMarker(String text) {
        return text.contains("${") || text.contains("#{");
    }

    private static boolean hasBody(HttpServletRequest request) {
        return request.getContentLengthLong() > 0 || request.getHeader("Transfer-Encoding") != null;
    }

    private static boolean isForm(String contentType) {
        return contentType != null
                && contentType.toLowerCase(Locale.ROOT).startsWith(MediaType.APPLICATION_FORM_URLENCODED_VALUE);
    }

    private static boolean isMultipart(HttpServletRequest request) {
        String type = request.getContentType();
        return type != null && type.toLowerCase(Locale.ROOT).startsWith("multipart/");
    }
}
