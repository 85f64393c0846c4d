package io.stageflow.templates;

import java.io.StringReader;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.velocity.Template;
import org.apache.velocity.runtime.parser.ParseException;
import org.apache.velocity.runtime.parser.node.ASTDirective;
import org.apache.velocity.runtime.parser.node.ASTIdentifier;
import org.apache.velocity.runtime.parser.node.ASTMethod;
import org.apache.velocity.runtime.parser.node.ASTReference;
import org.apache.velocity.runtime.parser.node.ASTStringLiteral;
import org.apache.velocity.runtime.parser.node.Node;
import org.apache.velocity.runtime.parser.node.SimpleNode;

/**
 * Deploy-time half of the sandbox: walks a parsed template (macro bodies, branches never taken and the insides
 * of {@code "…$x…"} strings included) and reports the first thing {@link SandboxRules} refuses, so a journey
 * using such a template is never deployed. The run-time half is {@link SandboxUberspector} and
 * {@link SafeIncludes}.
 */
final class SandboxCheck {

    private static final String SUMMARY = "is refused by the template sandbox";
    /** The context name a reference starts from: {@code $class}, {@code ${class}}, {@code $!class}. */
    private static final Pattern ROOT = Pattern.compile("^\\$!?\\{?([A-Za-z_][A-Za-z0-9_-]*)");

    private SandboxCheck() {
    }

    /** The first refused construct in this template, or null. */
    static TemplateProblem check(Template template) {
        return walk((Node) template.getData(), "templates/" + template.getName(), null);
    }

    /** @param at where to report problems found inside a string literal: the literal itself, or null */
    private static TemplateProblem walk(Node node, String file, Node at) {
        TemplateProblem problem = refused(node, file, at == null ? node : at);
        for (int i = 0; problem == null && i < node.jjtGetNumChildren(); i++) {
            problem = walk(node.jjtGetChild(i), file, at);
        }
        return problem;
    }

    private static TemplateProblem refused(Node node, String file, Node at) {
        if (node instanceof ASTReference) {
            Matcher root = ROOT.matcher(node.literal());
            if (root.find() && SandboxRules.refusesRoot(root.group(1))) {
                return problem(file, at, node, "$" + root.group(1) + " is not available: templates have no class tool");
            }
        } else if (node instanceof ASTMethod method) {
            String name = method.getMethodName() == null || method.getMethodName().isEmpty() ? image(method)
                    : method.getMethodName();
            if (SandboxRules.refusesMethod(name)) {
                return problem(file, at, node, "templates may not call " + name + "()");
            }
        } else if (node instanceof ASTIdentifier && !(node.jjtGetParent() instanceof ASTMethod)) {
            String property = image(node);
            if (SandboxRules.refusesProperty(property)) {
                return problem(file, at, node, "templates may not read ." + property);
            }
        } else if (node instanceof ASTDirective directive) {
            return refusedDirective(directive, file, at);
        } else if (node instanceof ASTStringLiteral) {
            return insideString((SimpleNode) node, file);
        }
        return null;
    }

    private static TemplateProblem refusedDirective(ASTDirective directive, String file, Node at) {
        String name = directive.getDirectiveName();
        if (SandboxRules.refusesDirective(name)) {
            return problem(file, at, directive, "#" + name + " is not allowed: it runs text as a template, which"
                    + " validation cannot check");
        }
        if ("parse".equals(name) || "include".equals(name)) {
            for (int i = 0; i < directive.jjtGetNumChildren(); i++) {
                Node argument = directive.jjtGetChild(i);
                String path = literalPath(argument);
                if (!SandboxRules.allowsInclude(path)) {
                    return problem(file, at, directive, "#" + name + " takes only a fixed path inside the templates"
                            + " folder, in quotes, without ..");
                }
            }
        }
        return null;
    }

    /** The path a {@code #parse}/{@code #include} argument names, when it is a plain literal; otherwise null. */
    private static String literalPath(Node argument) {
        if (!(argument instanceof ASTStringLiteral)) {
            return null;
        }
        String image = argument.literal();
        if (image.length() < 2 || image.contains("$") || image.contains("#")) {
            return null;
        }
        return image.substring(1, image.length() - 1);
    }

    /** Velocity parses {@code "…$x…"} on its own; parse it the same way and check what it contains. */
    private static TemplateProblem insideString(SimpleNode literal, String file) {
        String image = literal.literal();
        if (!image.startsWith("\"") || !(image.contains("$") || image.contains("#"))) {
            return null;
        }
        String content = image.substring(1, image.length() - 1);
        try {
            SimpleNode parsed = literal.getRuntimeServices().parse(new StringReader(content), literal.getTemplate());
            return walk(parsed, file, literal);
        } catch (ParseException e) {
            return null; // Velocity itself renders it as text
        }
    }

    /** The node's first token; a node of a string's own parse tree is not initialised and has only its tokens. */
    private static String image(Node node) {
        String image = node.getFirstTokenImage();
        if (image == null && node.getFirstToken() != null) {
            image = node.getFirstToken().image;
        }
        return image == null ? "" : image;
    }

    private static TemplateProblem problem(String file, Node at, Node node, String why) {
        return new TemplateProblem(file, at.getLine(), at.getColumn(), referenceText(node), SUMMARY, why);
    }

    /** The whole reference a refused part belongs to, as written: {@code $customer.getClass().forName(...)}. */
    private static String referenceText(Node node) {
        Node reference = node;
        while (reference != null && !(reference instanceof ASTReference)) {
            reference = reference.jjtGetParent();
        }
        return reference == null ? null : reference.literal();
    }
}
