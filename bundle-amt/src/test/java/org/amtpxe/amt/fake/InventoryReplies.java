package org.amtpxe.amt.fake;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.amtpxe.amt.internal.cim.InventoryClass;
import org.dom4j.Document;
import org.dom4j.DocumentHelper;
import org.dom4j.Element;

/**
 * A {@link FakeAmt.Responder} that answers Enumerate and Pull of the inventory classes from the
 * reply fixtures under {@code src/test/resources/wsman/<class>/replies/}: each Enumerate opens a
 * context, each Pull must carry the context the previous reply handed out and gets the next fixture
 * of its class. A class can be made to fault, or be answered by a test's own function.
 */
public final class InventoryReplies implements FakeAmt.Responder {
  private static final String ENUMERATION = "http://schemas.xmlsoap.org/ws/2004/09/enumeration";
  private static final String ADDRESSING = "http://schemas.xmlsoap.org/ws/2004/08/addressing";
  private static final String WSMAN = "http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd";
  private static final String SOAP = "http://www.w3.org/2003/05/soap-envelope";

  private final Map<String, List<String>> fixtures = new HashMap<>();
  private final Map<String, Deque<String>> pending = new HashMap<>();
  private final Map<String, String> expectedContext = new HashMap<>();
  private final Map<String, String> faults = new HashMap<>();
  private final Map<String, Function<Integer, Reply>> custom = new HashMap<>();
  private final Map<String, Integer> pulls = new HashMap<>();
  private final List<String> problems = new ArrayList<>();

  /** Every class answered by its {@code pull.xml}, memory in two Pulls. */
  public static InventoryReplies full() {
    InventoryReplies replies = new InventoryReplies();
    for (InventoryClass type : InventoryClass.values()) {
      replies.pulls(type, "pull.xml");
    }
    replies.pulls(InventoryClass.CIM_PHYSICAL_MEMORY, "pull-1.xml", "pull-2.xml");
    return replies;
  }

  /** The Pulls of a class are answered by these fixtures, in order. */
  public InventoryReplies pulls(InventoryClass type, String... files) {
    fixtures.put(type.className(), List.of(files));
    faults.remove(type.className());
    return this;
  }

  /** Enumerate of the class is answered with a fault fixture from {@code wsman/faults/}. */
  public InventoryReplies fault(InventoryClass type, String faultFile) {
    faults.put(type.className(), faultFile);
    return this;
  }

  /** Pulls of the class are answered by {@code reply}, given the number of the Pull (1, 2...). */
  public InventoryReplies custom(InventoryClass type, Function<Integer, Reply> reply) {
    custom.put(type.className(), reply);
    return this;
  }

  /** Pulls received per class. */
  public synchronized int pullsOf(InventoryClass type) {
    return pulls.getOrDefault(type.className(), 0);
  }

  /** Requests that did not follow the protocol (a wrong context, a Pull before Enumerate). */
  public synchronized List<String> problems() {
    return List.copyOf(problems);
  }

  @Override
  public synchronized Reply reply(Document request, String messageId) throws Exception {
    Element header = request.getRootElement().element("Header");
    String action = header.element("Action").getTextTrim();
    String uri = header.element("ResourceURI").getTextTrim();
    String className = uri.substring(uri.lastIndexOf('/') + 1);
    if (action.equals(ENUMERATION + "/Enumerate")) {
      if (faults.containsKey(className)) {
        return Reply.soap(
            400,
            org.amtpxe.amt.internal.wsman.SafeXml.parse(
                FakeAmt.resource("/wsman/faults/" + faults.get(className))));
      }
      String context = className + "-ctx-0";
      expectedContext.put(className, context);
      pending.put(className, new ArrayDeque<>(fixtures.getOrDefault(className, List.of())));
      pulls.put(className, 0);
      return Reply.soap(200, enumerateResponse(context));
    }
    if (action.equals(ENUMERATION + "/Pull")) {
      int number = pulls.merge(className, 1, Integer::sum);
      Element pull = request.getRootElement().element("Body").element("Pull");
      String context = pull.elementText("EnumerationContext");
      if (!context.equals(expectedContext.get(className))) {
        problems.add(className + ": Pull with context " + context);
      }
      if (custom.containsKey(className)) {
        return custom.get(className).apply(number);
      }
      Deque<String> files = pending.get(className);
      if (files == null || files.isEmpty()) {
        problems.add(className + ": Pull after the end");
        return null;
      }
      Document reply =
          org.amtpxe.amt.internal.wsman.SafeXml.parse(
              FakeAmt.resource("/wsman/" + className + "/replies/" + files.poll()));
      Element next =
          reply
              .getRootElement()
              .element("Body")
              .element("PullResponse")
              .element("EnumerationContext");
      if (next != null) {
        expectedContext.put(className, next.getTextTrim());
      }
      return Reply.soap(200, reply);
    }
    return null;
  }

  /** An EnumerateResponse with the given context, as firmware writes it. */
  public static Document enumerateResponse(String context) {
    Document document = DocumentHelper.createDocument();
    Element envelope = document.addElement("a:Envelope", SOAP);
    envelope.addNamespace("b", ADDRESSING);
    envelope.addNamespace("c", WSMAN);
    envelope.addNamespace("g", ENUMERATION);
    Element header = envelope.addElement("a:Header", SOAP);
    header.addElement("b:Action", ADDRESSING).setText(ENUMERATION + "/EnumerateResponse");
    Element body = envelope.addElement("a:Body", SOAP);
    body.addElement("g:EnumerateResponse", ENUMERATION)
        .addElement("g:EnumerationContext", ENUMERATION)
        .setText(context);
    return document;
  }

  /**
   * A PullResponse with {@code count} instances of a class, a context to continue with unless
   * {@code end}.
   */
  public static Reply pullResponse(InventoryClass type, int count, String context, boolean end) {
    Document document = DocumentHelper.createDocument();
    Element envelope = document.addElement("a:Envelope", SOAP);
    envelope.addElement("a:Header", SOAP);
    Element response =
        envelope.addElement("a:Body", SOAP).addElement("g:PullResponse", ENUMERATION);
    if (context != null) {
      response.addElement("g:EnumerationContext", ENUMERATION).setText(context);
    }
    Element items = response.addElement("g:Items", ENUMERATION);
    for (int i = 0; i < count; i++) {
      items
          .addElement("h:" + type.className(), type.resourceUri())
          .addElement("h:InstanceID", type.resourceUri())
          .setText("instance " + i);
    }
    if (end) {
      response.addElement("g:EndOfSequence", ENUMERATION);
    }
    return Reply.soap(200, document);
  }
}
