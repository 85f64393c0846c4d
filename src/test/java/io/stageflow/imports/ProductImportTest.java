package io.stageflow.imports;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;

import io.stageflow.testing.ConsoleSession;
import io.stageflow.testing.IntegrationTest;
import io.stageflow.testing.StageflowClient.Response;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A products CSV through the same import machinery as customers ({@code POST /api/v1/imports?kind=products}): good
 * rows stored as {@code PUT /api/v1/products/{id}} stores them, bad ones in the error report naming line and
 * column, a re-run that changes nothing, and a header that does not fit refused before anything runs.
 */
class ProductImportTest extends IntegrationTest {

    @TempDir
    Path tmp;

    @Test
    void storesGoodRowsAndReportsTheBadOnes() throws IOException {
        String p = "pim" + UUID.randomUUID().toString().substring(0, 8);
        Path csv = write("products.csv", """
                id,sku,name,categoryPath,price,currency,url,imageUrl,inStock
                %1$s-1,S-1,Trail Runner,Shoes > Running,59.90,EUR,https://shop.example/p/1,https://cdn.shop.example/1.jpg,true
                %1$s-2,,"Socks, pair of 3",Socks,4.5,eur,,,no
                %1$s-3,S-3,Bad price,Shoes,19.999,EUR,,,true
                %1$s-4,S-4,Bad url,Shoes,1,EUR,javascript:alert(1),,yes
                %1$s-5,S-5,,Shoes,1,EURO,,,maybe
                ,S-6,No id,Shoes,1,EUR,,,true
                %1$s-7,S-7,Cheap,Shoes,€1,EUR,,,true
                %1$s-8,S-8,Too few cells
                """.formatted(p));

        JsonNode first = awaitEnd(upload(csv));

        assertThat(first.path("status").asText()).isEqualTo("COMPLETED");
        assertThat(first.path("rows").asLong()).isEqualTo(8);
        assertThat(first.path("written").asLong()).isEqualTo(2);
        assertThat(first.path("skipped").asLong()).isEqualTo(6);
        assertThat(first.path("created").asLong()).isEqualTo(2);
        JsonNode runner = client().get("/api/v1/products/" + p + "-1").expectStatus(200).json();
        assertThat(runner.path("categoryPath").asText()).isEqualTo("Shoes > Running");
        assertThat(runner.path("imageUrl").asText()).isEqualTo("https://cdn.shop.example/1.jpg");
        assertThat(runner.path("inStock").asBoolean()).isTrue();
        JsonNode socks = client().get("/api/v1/products/" + p + "-2").expectStatus(200).json();
        assertThat(socks.path("name").asText()).isEqualTo("Socks, pair of 3");
        assertThat(socks.path("price").decimalValue()).isEqualByComparingTo("4.50");
        assertThat(socks.path("currency").asText()).isEqualTo("EUR");
        assertThat(socks.has("sku")).isFalse();
        assertThat(socks.path("inStock").asBoolean(true)).isFalse();

        assertThat(errorReport(first.path("id").asLong())).containsExactlyInAnyOrder(
                "4,price,must be a number from 0 to 999999999999.99 with at most two decimals",
                "5,url,must be an absolute http or https URL of at most 2000 characters",
                "6,name,is required",
                "6,currency,must be an ISO 4217 currency code such as EUR or USD",
                "6,inStock,\"must be true or false (or yes/no, 1/0)\"",
                "7,id,is required",
                "8,price,\"must be a number from 0 to 999999999999.99 with at most two decimals, written with a dot"
                        + " and no currency sign, such as 59.90\"",
                "9,,has 3 cells; the header has 9");

        ConsoleSession console = ConsoleSession.signIn(baseUrl(), "admin", ADMIN_PASSWORD);
        assertThat(console.get("/imports")).as("the form offers both kinds, with their columns")
                .contains("value=\"customers\"", "value=\"products\"", "<code>categoryPath</code>");
        assertThat(console.get("/imports/" + first.path("id").asLong())).contains("<strong>products</strong>");

        JsonNode rerun = awaitEnd(upload(csv));
        assertThat(rerun.path("unchanged").asLong()).isEqualTo(2);
        assertThat(rerun.path("created").asLong()).isZero();
        assertThat(client().get("/api/v1/products/" + p + "-1").expectStatus(200).json().path("updatedAt"))
                .isEqualTo(runner.path("updatedAt"));
    }

    @Test
    void aHeaderThatIsNotAProductsHeaderIsRefusedAtOnce() throws IOException {
        Response trait = client().postFile("/api/v1/imports?kind=products", "file",
                write("trait.csv", "id,name,price,currency,inStock,colour\n1,A,1,EUR,true,red\n"));
        Response missing = client().postFile("/api/v1/imports?kind=products", "file",
                write("missing.csv", "id,name,price\n1,A,1\n"));
        Response kind = client().postFile("/api/v1/imports?kind=orders", "file",
                write("orders.csv", "id\n1\n"));

        for (Response response : List.of(trait, missing, kind)) {
            assertThat(response.status()).as(response.body()).isEqualTo(400);
            assertThat(response.contentType()).startsWith("application/problem+json");
        }
        assertThat(trait.json().at("/errors/0/field").asText()).isEqualTo("file");
        assertThat(trait.json().at("/errors/0/message").asText()).contains("'colour' is not one of the columns");
        assertThat(missing.json().at("/errors/0/message").asText()).contains("currency is missing");
        assertThat(kind.json().at("/errors/0/field").asText()).isEqualTo("kind");
    }

    private long upload(Path csv) {
        Response response = client().postFile("/api/v1/imports?kind=products", "file", csv).expectStatus(202);
        assertThat(response.json().path("kind").asText()).isEqualTo("products");
        return response.json().path("id").asLong();
    }

    private JsonNode awaitEnd(long id) {
        return awaitJobEnd(id, Duration.ofMinutes(1), Duration.ofMillis(50));
    }

    private List<String> errorReport(long id) {
        List<String> lines = client().get("/api/v1/imports/" + id + "/errors").expectStatus(200).body().lines()
                .toList();
        assertThat(lines.get(0)).isEqualTo(ErrorReport.HEADER);
        return lines.subList(1, lines.size());
    }

    private Path write(String name, String content) throws IOException {
        return Files.writeString(tmp.resolve(name), content, StandardCharsets.UTF_8);
    }
}
