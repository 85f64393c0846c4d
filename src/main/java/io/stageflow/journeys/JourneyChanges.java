package io.stageflow.journeys;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NamedNodeMap;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

/**
 * What changed between two versions of a journey, step by step: the flow elements (steps, events, gateways, flows)
 * added, removed and changed, each change named by what differs ("timeDuration: P3D → P5D", "name: 'Welcome' →
 * 'Hello'"). Compares the processes only, so moving a shape on the diagram is no change. Flows into and out of a step
 * are compared as flows, not as part of the step. The XML is read with doctypes and external entities refused.
 */
final class JourneyChanges {

    static final String BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL";

    /** Children of a step that mirror its flows, or are laid out elsewhere: not part of what the step does. */
    private static final Set<String> IGNORED_CHILDREN = Set.of("incoming", "outgoing");
    /** Elements that hold flow elements of their own, compared one by one. */
    private static final Set<String> CONTAINERS = Set.of("process", "subProcess", "transaction", "adHocSubProcess");

    private JourneyChanges() {
    }

    /** The changes from version {@code before} to version {@code after}, in the order the elements appear. */
    static List<JourneyCatalog.Change> between(String before, String after) {
        Map<String, Element> old = flowElements(parse(before));
        Map<String, Element> now = flowElements(parse(after));
        List<JourneyCatalog.Change> changes = new ArrayList<>();
        for (Map.Entry<String, Element> entry : now.entrySet()) {
            Element previous = old.get(entry.getKey());
            if (previous == null) {
                changes.add(change(entry.getValue(), JourneyCatalog.ChangeKind.ADDED, List.of()));
                continue;
            }
            List<String> details = differences(facts(previous), facts(entry.getValue()));
            if (!previous.getLocalName().equals(entry.getValue().getLocalName())) {
                details = new ArrayList<>(details);
                details.add(0, "kind: " + previous.getLocalName() + " → " + entry.getValue().getLocalName());
            }
            if (!details.isEmpty()) {
                changes.add(change(entry.getValue(), JourneyCatalog.ChangeKind.CHANGED, details));
            }
        }
        for (Map.Entry<String, Element> entry : old.entrySet()) {
            if (!now.containsKey(entry.getKey())) {
                changes.add(change(entry.getValue(), JourneyCatalog.ChangeKind.REMOVED, List.of()));
            }
        }
        return changes;
    }

    private static JourneyCatalog.Change change(Element element, JourneyCatalog.ChangeKind kind, List<String> details) {
        String name = element.getAttribute("name");
        return new JourneyCatalog.Change(element.getAttribute("id"), name.isBlank() ? null : name,
                element.getLocalName(), kind, List.copyOf(details));
    }

    /** Every flow element of every process, by id, in document order. */
    private static Map<String, Element> flowElements(Document document) {
        Map<String, Element> elements = new LinkedHashMap<>();
        NodeList processes = document.getElementsByTagNameNS(BPMN, "process");
        for (int i = 0; i < processes.getLength(); i++) {
            collect((Element) processes.item(i), elements);
        }
        return elements;
    }

    private static void collect(Element container, Map<String, Element> elements) {
        for (Node child = container.getFirstChild(); child != null; child = child.getNextSibling()) {
            if (child instanceof Element element && BPMN.equals(element.getNamespaceURI())
                    && !element.getAttribute("id").isBlank()) {
                elements.put(element.getAttribute("id"), element);
                if (CONTAINERS.contains(element.getLocalName())) {
                    collect(element, elements);
                }
            }
        }
    }

    /**
     * What an element says, flattened to path → value: its attributes ({@code @name}), and the text of each
     * descendant ({@code timerEventDefinition/timeDuration}; an element with a name attribute is told apart by it:
     * {@code inputParameter[template]}). Ids of descendants are left out: Modeler makes them up.
     */
    private static Map<String, String> facts(Element element) {
        Map<String, String> facts = new LinkedHashMap<>();
        NamedNodeMap attributes = element.getAttributes();
        for (int i = 0; i < attributes.getLength(); i++) {
            Node attribute = attributes.item(i);
            if (!"id".equals(attribute.getLocalName()) && !XMLConstants.XMLNS_ATTRIBUTE.equals(attribute.getPrefix())
                    && !XMLConstants.XMLNS_ATTRIBUTE.equals(attribute.getNodeName())) {
                facts.put(attribute.getLocalName() == null ? attribute.getNodeName() : attribute.getLocalName(),
                        attribute.getNodeValue());
            }
        }
        boolean container = CONTAINERS.contains(element.getLocalName());
        for (Node child = element.getFirstChild(); child != null; child = child.getNextSibling()) {
            if (child instanceof Element nested && !IGNORED_CHILDREN.contains(nested.getLocalName())
                    && !(container && BPMN.equals(nested.getNamespaceURI()) && !nested.getAttribute("id").isBlank())) {
                flatten(nested, "", facts);
            }
        }
        return facts;
    }

    private static void flatten(Element element, String prefix, Map<String, String> facts) {
        String name = element.getAttribute("name");
        String path = prefix + element.getLocalName() + (name.isBlank() ? "" : "[" + name + "]");
        String key = path;
        for (int n = 2; facts.containsKey(key) || facts.containsKey(key + "/"); n++) {
            key = path + "#" + n;
        }
        NamedNodeMap attributes = element.getAttributes();
        for (int i = 0; i < attributes.getLength(); i++) {
            Node attribute = attributes.item(i);
            String local = attribute.getLocalName() == null ? attribute.getNodeName() : attribute.getLocalName();
            if (!"id".equals(local) && !"name".equals(local) && !XMLConstants.XMLNS_ATTRIBUTE.equals(attribute.getPrefix())
                    && !XMLConstants.XMLNS_ATTRIBUTE.equals(attribute.getNodeName())) {
                facts.put(key + "@" + local, attribute.getNodeValue());
            }
        }
        boolean hasElements = false;
        for (Node child = element.getFirstChild(); child != null; child = child.getNextSibling()) {
            if (child instanceof Element nested) {
                hasElements = true;
                flatten(nested, key + "/", facts);
            }
        }
        if (!hasElements) {
            facts.put(key, element.getTextContent().strip());
        }
    }

    private static List<String> differences(Map<String, String> before, Map<String, String> after) {
        List<String> details = new ArrayList<>();
        Set<String> keys = new TreeSet<>(before.keySet());
        keys.addAll(after.keySet());
        for (String key : keys) {
            String was = before.get(key);
            String is = after.get(key);
            if (Objects.equals(was, is)) {
                continue;
            }
            String label = key.replaceAll("#\\d+", "");
            details.add(was == null ? label + " added: " + shorten(is)
                    : is == null ? label + " removed (was " + shorten(was) + ")"
                    : label + ": " + shorten(was) + " → " + shorten(is));
        }
        return details;
    }

    private static String shorten(String value) {
        String oneLine = value.replaceAll("\\s+", " ");
        return "'" + (oneLine.length() > 80 ? oneLine.substring(0, 77) + "…" : oneLine) + "'";
    }

    private static Document parse(String xml) {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setNamespaceAware(true);
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            factory.setXIncludeAware(false);
            factory.setExpandEntityReferences(false);
            DocumentBuilder builder = factory.newDocumentBuilder();
            return builder.parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
        } catch (ParserConfigurationException | SAXException | IOException e) {
            throw new IllegalStateException("A deployed journey could not be read: " + e.getMessage(), e);
        }
    }
}
