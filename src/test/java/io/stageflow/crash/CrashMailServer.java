package io.stageflow.crash;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetupTest;

/**
 * The crash tests' mail server: GreenMail on a free port, which waits for a quiet client as long as a real mail
 * server does. RFC 5321 (4.5.3.2.7) has a server wait five minutes for a client's next command or data; GreenMail
 * gives up after 30 s, and then throws in its connection's thread, which the tests' awaits report as their own
 * failure. A node stopped with {@code SIGSTOP}, or waiting for a database that was cut, is such a client.
 */
final class CrashMailServer {

    /** RFC 5321's wait for a client's next command, and for the rest of a message's data. */
    private static final int CLIENT_TIMEOUT_MILLIS = 5 * 60 * 1000;

    private CrashMailServer() {
    }

    /** A started server; the caller stops it. */
    static GreenMail started() {
        GreenMail greenMail = new GreenMail(ServerSetupTest.SMTP.dynamicPort());
        greenMail.start();
        greenMail.getSmtp().setClientSocketTimeout(CLIENT_TIMEOUT_MILLIS);
        return greenMail;
    }
}
