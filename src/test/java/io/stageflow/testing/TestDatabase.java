package io.stageflow.testing;

import org.springframework.test.context.ActiveProfilesResolver;

/**
 * Which database the integration tests run on: {@code -Dstageflow.test.db=h2} (the default, in memory) or
 * {@code mariadb}, which runs the real {@code mysql} profile against {@code stageflow.test.mysql.url}.
 */
public final class TestDatabase implements ActiveProfilesResolver {

    public static boolean isMariaDb() {
        return "mariadb".equalsIgnoreCase(System.getProperty("stageflow.test.db", "h2"));
    }

    @Override
    public String[] resolve(Class<?> testClass) {
        return isMariaDb() ? new String[] {"mysql"} : new String[0];
    }
}
