package io.stageflow.testing;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

import com.github.tomakehurst.wiremock.WireMockServer;

/**
 * A Twilio-style SMS provider for the tests: one WireMock server on a free port, started when the application's
 * settings first ask for its address, and shared by every test of the context (each test stubs and checks the
 * requests to its own numbers). The application is configured with these credentials ({@link IntegrationTest}).
 */
public final class TestSmsProvider {

    public static final String ACCOUNT_SID = "AC00000000000000000000000000000test";
    public static final String AUTH_TOKEN = "test-twilio-auth-token-0123456789";
    public static final String FROM = "+15005550006";
    /** The path the application posts its messages to. */
    public static final String MESSAGES_PATH = "/2010-04-01/Accounts/" + ACCOUNT_SID + "/Messages.json";

    private static final class Holder {
        static final WireMockServer SERVER = start();

        private static WireMockServer start() {
            WireMockServer server = new WireMockServer(wireMockConfig().dynamicPort().bindAddress("127.0.0.1")
                    .containerThreads(8).jettyAcceptors(1));
            server.start();
            Runtime.getRuntime().addShutdownHook(new Thread(server::stop, "sms-provider-stop"));
            return server;
        }
    }

    private TestSmsProvider() {
    }

    /** The running server, to stub answers on and check what it was sent. */
    public static WireMockServer server() {
        return Holder.SERVER;
    }

    /** Where the application reaches the provider: {@code http://127.0.0.1:<port>}. */
    public static String baseUrl() {
        return "http://127.0.0.1:" + server().port();
    }
}
