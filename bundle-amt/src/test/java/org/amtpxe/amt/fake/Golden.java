package org.amtpxe.amt.fake;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import org.amtpxe.amt.internal.wsman.Envelopes;
import org.amtpxe.amt.internal.wsman.WsmanRequest;
import org.dom4j.Document;
import org.w3c.dom.Node;
import org.xmlunit.builder.DiffBuilder;
import org.xmlunit.builder.Input;
import org.xmlunit.diff.ComparisonResult;
import org.xmlunit.diff.ComparisonType;
import org.xmlunit.diff.Diff;
import org.xmlunit.diff.DifferenceEvaluator;
import org.xmlunit.diff.DifferenceEvaluators;

/**
 * Compares requests with the golden files under {@code src/test/resources/wsman/<class>/}:
 * namespace-aware (prefixes may differ), whitespace ignored, MessageID values ignored.
 */
public final class Golden {
  private static final String ADDRESSING = "http://schemas.xmlsoap.org/ws/2004/08/addressing";

  private static final DifferenceEvaluator IGNORE_MESSAGE_ID =
      (comparison, outcome) -> {
        if (outcome == ComparisonResult.DIFFERENT
            && comparison.getType() == ComparisonType.TEXT_VALUE) {
          Node control = comparison.getControlDetails().getTarget();
          Node parent = control == null ? null : control.getParentNode();
          if (parent != null
              && "MessageID".equals(parent.getLocalName())
              && ADDRESSING.equals(parent.getNamespaceURI())) {
            return ComparisonResult.SIMILAR;
          }
        }
        return outcome;
      };

  private Golden() {}

  /** The differences between a golden file and a document, or none. */
  public static Diff diff(String goldenPath, byte[] actual) throws IOException {
    return DiffBuilder.compare(Input.fromByteArray(FakeAmt.resource(goldenPath)))
        .withTest(Input.fromByteArray(actual))
        .ignoreWhitespace()
        .ignoreComments()
        .checkForSimilar()
        .withDifferenceEvaluator(
            DifferenceEvaluators.chain(DifferenceEvaluators.Default, IGNORE_MESSAGE_ID))
        .build();
  }

  /** Asserts that a document matches the golden file. */
  public static void assertMatches(String goldenPath, Document actual) throws IOException {
    Diff diff = diff(goldenPath, Envelopes.serialize(actual));
    assertThat(diff.hasDifferences()).as("%s differs: %s", goldenPath, diff).isFalse();
  }

  /** Asserts that the envelope of a request matches the golden file. */
  public static void assertMatches(String goldenPath, WsmanRequest request) throws IOException {
    assertMatches(goldenPath, Envelopes.build(request, "uuid:" + java.util.UUID.randomUUID()));
  }
}
