package org.amtpxe.amt.internal.wsman;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.util.concurrent.ArrayBlockingQueue;
import javax.xml.XMLConstants;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.parsers.SAXParserFactory;
import org.dom4j.Document;
import org.dom4j.DocumentException;
import org.dom4j.io.SAXReader;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;
import org.xml.sax.XMLReader;

/**
 * Parses replies namespace-aware and refuses anything that could make a parser fetch or expand
 * entities: a DOCTYPE is an error. Reads at most a configured number of bytes.
 */
public final class SafeXml {

  private static final String DISALLOW_DOCTYPE =
      "http://apache.org/xml/features/disallow-doctype-decl";

  // NOTE: newDefaultInstance() always gives the JDK's own parser, whatever the context class
  // loader or an OSGi container offers, so the security features below are known to exist.
  private static final SAXParserFactory FACTORY = newFactory();

  /**
   * Readers that parsed a reply and wait for the next, each used by one thread at a time. Making a
   * JDK SAX parser with its security features was about a tenth of the CPU of a power read (a JFR
   * profile of the power sync); a reader is reused once its parse succeeded. A pool in this class
   * rather than a ThreadLocal: the pool goes with the class when the bundle is updated, a
   * ThreadLocal value would keep the old bundle's classes alive in the callers' threads.
   */
  private static final ArrayBlockingQueue<SAXReader> READERS = new ArrayBlockingQueue<>(64);

  /** The reply was larger than allowed. */
  public static final class TooLargeException extends IOException {
    private static final long serialVersionUID = 1L;
    private final long limit;

    TooLargeException(long limit) {
      super("more than " + limit + " bytes");
      this.limit = limit;
    }

    /** The limit that was exceeded, in bytes. */
    public long limit() {
      return limit;
    }
  }

  /** The document carried a DOCTYPE, which is refused. */
  public static final class DoctypeRefusedException extends DocumentException {
    private static final long serialVersionUID = 1L;

    DoctypeRefusedException(Throwable cause) {
      super("a DOCTYPE declaration is not allowed (XML entity protection)", cause);
    }
  }

  private SafeXml() {}

  private static SAXParserFactory newFactory() {
    SAXParserFactory factory = SAXParserFactory.newDefaultInstance();
    factory.setNamespaceAware(true);
    factory.setValidating(false);
    factory.setXIncludeAware(false);
    try {
      factory.setFeature(DISALLOW_DOCTYPE, true);
      factory.setFeature("http://xml.org/sax/features/external-general-entities", false);
      factory.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
      factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
      factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
    } catch (ParserConfigurationException | SAXException e) {
      throw new IllegalStateException("The JDK XML parser refuses a security feature", e);
    }
    return factory;
  }

  /**
   * Reads a stream up to {@code limit} bytes.
   *
   * @throws TooLargeException when the stream holds more
   */
  public static byte[] readLimited(InputStream in, long limit) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
    byte[] buffer = new byte[8192];
    long total = 0;
    int n;
    while ((n = in.read(buffer)) != -1) {
      total += n;
      if (total > limit) {
        throw new TooLargeException(limit);
      }
      out.write(buffer, 0, n);
    }
    return out.toByteArray();
  }

  /**
   * Parses a document.
   *
   * @throws DoctypeRefusedException when it declares a DOCTYPE
   * @throws DocumentException when it is not well-formed XML
   */
  public static Document parse(byte[] xml) throws DocumentException {
    return parse(new InputSource(new ByteArrayInputStream(xml)));
  }

  /** Parses a document held in a string; see {@link #parse(byte[])}. */
  public static Document parse(String xml) throws DocumentException {
    return parse(new InputSource(new StringReader(xml)));
  }

  private static Document parse(InputSource source) throws DocumentException {
    return BundleTccl.call(
        () -> {
          SAXReader reader = READERS.poll();
          if (reader == null) {
            reader = newReader();
          }
          Document document;
          try {
            document = reader.read(source);
          } catch (DocumentException e) {
            // NOTE: a reader whose parse failed is dropped, not pooled: nothing of a refused
            // document stays in a reader that parses the next reply.
            if (isDoctypeRefusal(e)) {
              throw new DoctypeRefusedException(e);
            }
            throw e;
          }
          READERS.offer(reader);
          return document;
        });
  }

  private static SAXReader newReader() throws DocumentException {
    SAXReader reader = new SAXReader(newXmlReader(), false);
    reader.setIncludeExternalDTDDeclarations(false);
    reader.setIncludeInternalDTDDeclarations(false);
    reader.setEntityResolver(
        (publicId, systemId) -> {
          throw new SAXException("external entities are not allowed: " + systemId);
        });
    return reader;
  }

  private static XMLReader newXmlReader() throws DocumentException {
    try {
      synchronized (FACTORY) {
        return FACTORY.newSAXParser().getXMLReader();
      }
    } catch (ParserConfigurationException | SAXException e) {
      throw new DocumentException("cannot create an XML parser", e);
    }
  }

  private static boolean isDoctypeRefusal(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      String message = t.getMessage();
      if (message != null && message.contains("DOCTYPE")) {
        return true;
      }
    }
    return false;
  }
}
