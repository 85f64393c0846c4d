package io.stageflow.testing;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

import com.github.tomakehurst.wiremock.WireMockServer;

/**
 * Meta's WhatsApp Cloud API for the tests: one WireMock server on a free port, started when the application's
 * settings first ask for its address, and shared by every test of the context (each test stubs and checks the
 * requests to its own numbers). The application is configured with these credentials and approved templates
 * ({@link IntegrationTest}).
 */
public final class TestWhatsAppProvider {

    public static final String API_VERSION = "v21.0";
    public static final String PHONE_NUMBER_ID = "106540352242922";
    public static final String ACCESS_TOKEN = "test-whatsapp-access-token-0123456789";
    public static final String APP_SECRET = "test-whatsapp-app-secret-0123456789";
    public static final String VERIFY_TOKEN = "test-whatsapp-verify-token";
    /** The path the application posts its messages to. */
    public static final String MESSAGES_PATH = "/" + API_VERSION + "/" + PHONE_NUMBER_ID + "/messages";

    private static final class Holder {
        static final WireMockServer SERVER = start();

        private static WireMockServer start() {
            WireMockServer server = new WireMockServer(wireMockConfig().dynamicPort().bindAddress("127.0.0.1")
                    .containerThreads(8).jettyAcceptors(1));
            server.start();
            Runtime.getRuntime().addShutdownHook(new Thread(server::stop, "whatsapp-provider-stop"));
            return server;
        }
    }

    private TestWhatsAppProvider() {
    }

    /** The running server, to stub answers on and check what it was sent. */
    public static WireMockServer server() {
        return Holder.SERVER;
    }

    /** Where the application reaches the Cloud API: {@code http://127.0.0.1:<port>}. */
    public static String baseUrl() {
        return "http://127.0.0.1:" + server().port();
    }
}
