package io.stageflow.crash;

import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.LifecycleMethodExecutionExceptionHandler;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;

/**
 * When a crash test or its set-up fails, prints the end of the jar's logs (every start of it), which tell what the
 * process did before it was killed and after it came back. Registered on the class, so it sees a failing
 * {@code @BeforeAll} too; the test class says which process it runs.
 */
final class PrintLogsOnFailure implements TestExecutionExceptionHandler, LifecycleMethodExecutionExceptionHandler {

    private static final int LINES = 60;

    /** A test class that runs the jar. */
    interface RunsTheJar {
        /** The process of the running test, or null before it is prepared. */
        StageflowProcess process();
    }

    /**
     * A test class that runs several nodes of the jar: the first one's log is printed on failure, and each is
     * stopped after each test.
     */
    interface RunsNodes extends RunsTheJar {
        /** The nodes the running test started, in order; a list the test adds to. */
        List<StageflowProcess> nodes();

        @Override
        default StageflowProcess process() {
            return nodes().isEmpty() ? null : nodes().get(0);
        }

        @AfterEach
        default void stopTheNodes() {
            nodes().forEach(StageflowProcess::close);
        }
    }

    @Override
    public void handleTestExecutionException(ExtensionContext context, Throwable failure) throws Throwable {
        throw print(context, failure);
    }

    @Override
    public void handleBeforeAllMethodExecutionException(ExtensionContext context, Throwable failure) throws Throwable {
        throw print(context, failure);
    }

    @Override
    public void handleBeforeEachMethodExecutionException(ExtensionContext context, Throwable failure) throws Throwable {
        throw print(context, failure);
    }

    private static Throwable print(ExtensionContext context, Throwable failure) {
        context.getTestInstance().filter(RunsTheJar.class::isInstance).map(t -> ((RunsTheJar) t).process())
                .ifPresent(process -> System.out.println(process.logTails(LINES)));
        return failure;
    }
}
