package io.stageflow.imports;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import io.stageflow.products.ProductCatalogue;
import io.stageflow.products.ProductCatalogue.ProductChange;
import io.stageflow.products.ProductCatalogue.Upserted;
import io.stageflow.products.ProductUpsert;
import io.stageflow.web.FieldViolation;

import org.springframework.batch.item.ItemProcessor;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * Product files (docs/import.md): each row a whole product by the shop's {@code id}, checked by the same rules as
 * {@code PUT /api/v1/products/{id}} and stored as it does; an empty cell is an empty field. Columns other than the
 * product's are refused with the header, since a product has no traits.
 */
@Component
@Order(2)
class ProductImport implements ImportTarget<ProductChange> {

    static final String ID = ImportHeader.ID;
    static final String SKU = "sku";
    static final String NAME = "name";
    static final String CATEGORY_PATH = "categoryPath";
    static final String PRICE = "price";
    static final String CURRENCY = "currency";
    static final String URL = "url";
    static final String IMAGE_URL = "imageUrl";
    static final String IN_STOCK = "inStock";

    static final ImportHeader.Columns COLUMNS = new ImportHeader.Columns(
            List.of(ID, SKU, NAME, CATEGORY_PATH, PRICE, CURRENCY, URL, IMAGE_URL, IN_STOCK),
            List.of(ID, NAME, PRICE, CURRENCY, IN_STOCK), false);

    private static final Map<String, String> MEANINGS = Map.of(
            ID, "the shop's id of the product (required; a row for an existing id replaces that product)",
            SKU, "its stock keeping unit",
            NAME, "its name (required)",
            CATEGORY_PATH, "its category, such as Shoes > Running",
            PRICE, "its price, such as 59.90: at most two decimals (required)",
            CURRENCY, "the price's ISO 4217 currency, such as EUR (required)",
            URL, "its page in the shop: an http or https URL",
            IMAGE_URL, "its picture: an http or https URL",
            IN_STOCK, "true or false (or yes/no, 1/0) (required)");

    private final ProductCatalogue catalogue;

    ProductImport(ProductCatalogue catalogue) {
        this.catalogue = catalogue;
    }

    @Override
    public String noun() {
        return "product";
    }

    @Override
    public ImportHeader.Columns columns() {
        return COLUMNS;
    }

    @Override
    public Map<String, String> meanings() {
        return MEANINGS;
    }

    @Override
    public ItemProcessor<CsvRow, ProductChange> validator() {
        return ProductImport::check;
    }

    @Override
    public Written write(List<ProductChange> items) {
        Upserted result = catalogue.upsertAll(items);
        return new Written(result.created(), result.updated(), result.unchanged());
    }

    private static ProductChange check(CsvRow row) {
        List<FieldViolation> violations = new ArrayList<>();
        BigDecimal price = price(row.cell(PRICE), violations);
        Boolean inStock = CustomerRowValidator.yesOrNo(row.cell(IN_STOCK));
        if (inStock == null && row.cell(IN_STOCK) != null) {
            violations.add(new FieldViolation(IN_STOCK, "must be true or false (or yes/no, 1/0)"));
        }
        ProductUpsert product = new ProductUpsert(row.cell(SKU), row.cell(NAME), row.cell(CATEGORY_PATH), price,
                row.cell(CURRENCY), row.cell(URL), row.cell(IMAGE_URL), inStock);
        String id = row.cell(ID);
        for (FieldViolation violation : ProductCatalogue.violations(id, product)) {
            boolean reportedAlready = violations.stream().anyMatch(v -> v.field().equals(violation.field()));
            if (!reportedAlready) {
                violations.add(violation);
            }
        }
        if (!violations.isEmpty()) {
            violations.sort(Comparator.comparing(v -> COLUMNS.known().indexOf(v.field())));
            throw new InvalidRowException(row.line(), violations);
        }
        return new ProductChange(id, product);
    }

    /** A plain decimal number, such as {@code 59.90}; null (with a violation) for anything else. */
    private static BigDecimal price(String cell, List<FieldViolation> violations) {
        if (cell == null) {
            return null;
        }
        if (!cell.matches("\\d{1,30}(\\.\\d{1,30})?")) {
            violations.add(new FieldViolation(PRICE, "must be a number from 0 to 999999999999.99 with at most two"
                    + " decimals, written with a dot and no currency sign, such as 59.90"));
            return null;
        }
        return new BigDecimal(cell);
    }
}
