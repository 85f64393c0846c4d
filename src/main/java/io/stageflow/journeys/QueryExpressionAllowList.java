package io.stageflow.journeys;

import java.util.Set;

import org.camunda.bpm.impl.juel.AstComposite;
import org.camunda.bpm.impl.juel.AstDot;
import org.camunda.bpm.impl.juel.AstEval;
import org.camunda.bpm.impl.juel.AstFunction;
import org.camunda.bpm.impl.juel.AstMethod;
import org.camunda.bpm.impl.juel.AstNumber;
import org.camunda.bpm.impl.juel.AstParameters;
import org.camunda.bpm.impl.juel.AstText;
import org.camunda.bpm.impl.juel.Builder;
import org.camunda.bpm.impl.juel.Node;
import org.camunda.bpm.impl.juel.TreeBuilder;
import org.camunda.bpm.impl.juel.TreeBuilderException;

/**
 * The only expressions a task query or a Tasklist filter may carry. Camunda 7 CE evaluates query expressions as
 * full JUEL, so {@code ${''.getClass().forName(...)...}} in a query runs code on the server; this list is what
 * stops it. An expression is parsed with the engine's own JUEL parser (same features as the engine's expression
 * factory) and its syntax tree is walked; every node must be one of:
 * <ul>
 * <li>literal text, or {@code ${...}} / {@code #{...}} around one allowed value (text around it is allowed too);</li>
 * <li>{@code currentUser()}, {@code currentUserGroups()}, {@code now()}: Camunda's query functions, no arguments;</li>
 * <li>{@code dateTime()}, optionally followed by calls of {@code plus|minus}{@code Years, Months, Weeks, Days,
 * Hours, Minutes, Seconds} with one integer literal, {@code withTimeAtStartOfDay()}, and a final
 * {@code toDate()}: what Tasklist's filter dialog offers ({@code ${dateTime().plusWeeks(2)}}).</li>
 * </ul>
 * Anything else (identifiers, beans, properties, other methods, brackets, operators, strings, nested
 * parentheses) is refused. Nothing here matches text: a name is only ever compared as a whole parsed name.
 */
final class QueryExpressionAllowList {

    private static final Set<String> PLAIN_FUNCTIONS = Set.of("currentUser", "currentUserGroups", "now");
    private static final String DATE_TIME_FUNCTION = "dateTime";
    private static final Set<String> SHIFTS = Set.of(
            "plusYears", "plusMonths", "plusWeeks", "plusDays", "plusHours", "plusMinutes", "plusSeconds",
            "minusYears", "minusMonths", "minusWeeks", "minusDays", "minusHours", "minusMinutes", "minusSeconds");
    private static final String START_OF_DAY = "withTimeAtStartOfDay";
    private static final String TO_DATE = "toDate";
    /** A bound on the argument, so no shift can overflow a date; filters use days and weeks. */
    private static final long LARGEST_SHIFT = 100_000;

    /** What a checked value is, so that only a date-time gets date-time methods. */
    private enum Kind { DATE_TIME, OTHER }

    private final TreeBuilder parser =
            new Builder(Builder.Feature.METHOD_INVOCATIONS, Builder.Feature.VARARGS);

    /** Null if the expression may be evaluated; otherwise why not, for the error message. */
    String rejection(String expression) {
        if (expression == null) {
            return "is empty";
        }
        try {
            checkRoot(parser.build(expression).getRoot());
            return null;
        } catch (TreeBuilderException e) {
            return "is not a valid expression";
        } catch (NotAllowed e) {
            return e.getMessage();
        }
    }

    boolean allows(String expression) {
        return rejection(expression) == null;
    }

    private static void checkRoot(Node root) {
        if (is(root, AstText.class)) {
            return;
        }
        if (is(root, AstEval.class)) {
            value(root.getChild(0));
            return;
        }
        if (is(root, AstComposite.class)) {
            for (int i = 0; i < root.getCardinality(); i++) {
                Node part = root.getChild(i);
                if (is(part, AstEval.class)) {
                    value(part.getChild(0));
                } else if (!is(part, AstText.class)) {
                    throw new NotAllowed();
                }
            }
            return;
        }
        throw new NotAllowed();
    }

    private static Kind value(Node node) {
        if (is(node, AstFunction.class)) {
            AstFunction function = (AstFunction) node;
            if (function.getParamCount() != 0) {
                throw new NotAllowed();
            }
            if (DATE_TIME_FUNCTION.equals(function.getName())) {
                return Kind.DATE_TIME;
            }
            if (PLAIN_FUNCTIONS.contains(function.getName())) {
                return Kind.OTHER;
            }
            throw new NotAllowed();
        }
        if (is(node, AstMethod.class)) {
            return dateTimeMethod(node);
        }
        throw new NotAllowed();
    }

    /** {@code <date-time>.name(args)}: the child 0 of a method node is {@code base.name}, child 1 the arguments. */
    private static Kind dateTimeMethod(Node method) {
        Node property = method.getChild(0);
        Node arguments = method.getChild(1);
        if (!is(property, AstDot.class) || !is(arguments, AstParameters.class)) {
            throw new NotAllowed();
        }
        if (value(property.getChild(0)) != Kind.DATE_TIME) {
            throw new NotAllowed();
        }
        String name = methodName((AstDot) property);
        int count = arguments.getCardinality();
        if (SHIFTS.contains(name) && count == 1 && isSmallInteger(arguments.getChild(0))) {
            return Kind.DATE_TIME;
        }
        if (START_OF_DAY.equals(name) && count == 0) {
            return Kind.DATE_TIME;
        }
        if (TO_DATE.equals(name) && count == 0) {
            return Kind.OTHER;
        }
        throw new NotAllowed();
    }

    /** JUEL's dot node prints itself as {@code ". name"}; the name is a parsed identifier, never free text. */
    private static String methodName(AstDot dot) {
        String printed = dot.toString();
        if (!printed.startsWith(". ")) {
            throw new NotAllowed();
        }
        return printed.substring(2);
    }

    private static boolean isSmallInteger(Node node) {
        if (!is(node, AstNumber.class)) {
            return false;
        }
        Object number = ((AstNumber) node).eval(null, null);
        return number instanceof Long value && Math.abs(value) <= LARGEST_SHIFT;
    }

    /** Exact classes only: a subclass of an allowed node is not allowed. */
    private static boolean is(Node node, Class<?> type) {
        return node != null && node.getClass() == type;
    }

    /** Thrown while walking the tree; the message is what the caller is told. */
    private static final class NotAllowed extends RuntimeException {

        NotAllowed() {
            super("is not on the allow-list of query expressions (currentUser(), currentUserGroups(), now(), "
                    + "dateTime() with plus/minus of whole units)", null, false, false);
        }
    }
}
