package io.stageflow.delivery;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.stageflow.customers.Customer;
import io.stageflow.customers.CustomerService;
import io.stageflow.subscriptions.EmailCategory;
import io.stageflow.templates.TemplateModel;
import io.stageflow.web.InvalidInputException;

import org.springframework.stereotype.Component;

/**
 * Previews a channel step's message for one customer, as its adapter would render it when it goes, and whether the
 * customer may get it now; nothing is queued or sent. The settings are checked as a deployment checks them first, so a
 * preview refuses what a deployment would, naming the setting ({@code settings.body}).
 */
@Component
public class ChannelPreviews {

    private static final Pattern QUOTED_SETTING = Pattern.compile("'([A-Za-z][A-Za-z0-9]*)'");

    private final ChannelDispatchers channels;
    private final CustomerService customers;
    private final TemplateModel templateModel;

    ChannelPreviews(ChannelDispatchers channels, CustomerService customers, TemplateModel templateModel) {
        this.channels = channels;
        this.customers = customers;
        this.templateModel = templateModel;
    }

    /** The channels this node can preview and deliver, besides email: {@code webhook}, {@code sms}. */
    public List<String> channels() {
        return channels.configured().stream().map(Channel::key).toList();
    }

    /**
     * The message a step with these settings would send this customer.
     *
     * @throws InvalidInputException naming {@code channel}, {@code customerId}, {@code settings.<name>} or the
     *                               customer's address the channel cannot use
     */
    public ChannelPreview preview(String channelKey, String customerId, Map<String, String> settings,
            EmailCategory category) {
        Channel channel = parse(channelKey);
        ChannelAdapter adapter;
        try {
            adapter = channels.of(channel);
        } catch (IllegalArgumentException notConfigured) {
            throw new InvalidInputException("channel", notConfigured.getMessage());
        }
        Customer customer = customers.find(customerId).orElseThrow(() -> new InvalidInputException("customerId",
                "is not a customer's id"));
        String problem = adapter.problemWith(settings);
        if (problem != null) {
            throw new InvalidInputException(settingNamedIn(problem), problem);
        }
        Map<String, Object> model = templateModel.forDelivery(customer, 0, null, "preview-" + customerId);
        return adapter.preview(new ChannelMessage(0, "msg_preview", 0, channel, channel.key() + " preview", customer,
                category, null, null, "preview", settings, model));
    }

    private static Channel parse(String channelKey) {
        try {
            Channel channel = Channel.valueOf(channelKey == null ? "" : channelKey.strip().toUpperCase(Locale.ROOT));
            if (channel != Channel.EMAIL) {
                return channel;
            }
        } catch (IllegalArgumentException unknown) {
            // answered below
        }
        throw new InvalidInputException("channel", "must be webhook, sms or whatsapp (an email's preview is the"
                + " template's: POST /api/v1/templates/{key}/preview)");
    }

    /** The field a setting's problem names: {@code settings.body} for "'body' does not render …". */
    static String settingNamedIn(String problem) {
        Matcher quoted = QUOTED_SETTING.matcher(problem);
        return quoted.find() ? "settings." + quoted.group(1) : "settings";
    }
}
