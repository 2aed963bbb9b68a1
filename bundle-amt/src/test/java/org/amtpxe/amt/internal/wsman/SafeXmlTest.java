package org.amtpxe.amt.internal.wsman;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.dom4j.Document;
import org.dom4j.DocumentException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafeXmlTest {

  @Test
  void parsesNamespaceAware() throws DocumentException {
    Document doc = SafeXml.parse("<x:a xmlns:x='urn:one'><x:b>1</x:b></x:a>");

    assertThat(doc.getRootElement().getNamespaceURI()).isEqualTo("urn:one");
    assertThat(doc.getRootElement().getName()).isEqualTo("a");
  }

  @Test
  void refusesExternalEntityAndNeverReadsTheFile(@TempDir Path dir) throws Exception {
    Path secret = dir.resolve("secret.txt");
    Files.writeString(secret, "TOP-SECRET");
    String xxe = "<!DOCTYPE a [<!ENTITY x SYSTEM \"" + secret.toUri() + "\">]><a>&x;</a>";

    assertThatThrownBy(() -> SafeXml.parse(xxe))
        .isInstanceOf(SafeXml.DoctypeRefusedException.class)
        .hasMessageNotContaining("TOP-SECRET");
  }

  @Test
  void refusesEntityExpansion() {
    String bomb =
        "<!DOCTYPE a [<!ENTITY l0 \"ha\"><!ENTITY l1 \"&l0;&l0;&l0;&l0;&l0;&l0;&l0;&l0;\">]><a>&l1;</a>";

    assertThatThrownBy(() -> SafeXml.parse(bomb))
        .isInstanceOf(SafeXml.DoctypeRefusedException.class);
  }

  @Test
  void malformedXmlIsADocumentException() {
    assertThatThrownBy(() -> SafeXml.parse("<a><b></a>"))
        .isInstanceOf(DocumentException.class)
        .isNotInstanceOf(SafeXml.DoctypeRefusedException.class);
  }

  @Test
  void readLimitedStopsAboveTheLimit() throws Exception {
    assertThat(SafeXml.readLimited(new ByteArrayInputStream(new byte[100]), 100)).hasSize(100);
    assertThatThrownBy(() -> SafeXml.readLimited(new ByteArrayInputStream(new byte[101]), 100))
        .isInstanceOf(SafeXml.TooLargeException.class);
  }

  @Test
  void reusedReadersKeepRefusingEntitiesAndLeaveNothingFromTheLastReply(@TempDir Path dir)
      throws Exception {
    Path secret = dir.resolve("secret.txt");
    Files.writeString(secret, "TOP-SECRET");
    String xxe = "<!DOCTYPE a [<!ENTITY x SYSTEM \"" + secret.toUri() + "\">]><a>&x;</a>";
    // Many threads, many replies each: readers go back to the pool and are taken again, by other
    // threads; each answer must be its own reply's, and a DOCTYPE is refused every time.
    java.util.concurrent.ExecutorService threads =
        java.util.concurrent.Executors.newFixedThreadPool(8);
    try {
      java.util.List<java.util.concurrent.Future<?>> done = new java.util.ArrayList<>();
      for (int t = 0; t < 8; t++) {
        int thread = t;
        done.add(
            threads.submit(
                () -> {
                  for (int i = 0; i < 300; i++) {
                    String text = thread + "-" + i;
                    Document doc =
                        SafeXml.parse("<x:a xmlns:x='urn:one'><x:b>" + text + "</x:b></x:a>");
                    assertThat(doc.getRootElement().elementText("b")).isEqualTo(text);
                    if (i % 10 == 0) {
                      assertThatThrownBy(() -> SafeXml.parse(xxe))
                          .isInstanceOf(SafeXml.DoctypeRefusedException.class)
                          .hasMessageNotContaining("TOP-SECRET");
                      assertThatThrownBy(() -> SafeXml.parse("<a><b></a>"))
                          .isInstanceOf(DocumentException.class);
                    }
                  }
                  return null;
                }));
      }
      for (java.util.concurrent.Future<?> f : done) {
        f.get();
      }
    } finally {
      threads.shutdownNow();
    }
  }
}
