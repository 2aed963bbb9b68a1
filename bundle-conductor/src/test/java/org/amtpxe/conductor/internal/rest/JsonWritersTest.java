package org.amtpxe.conductor.internal.rest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.TextNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.Random;
import org.amtpxe.conductor.internal.service.Secrets;
import org.junit.jupiter.api.Test;

/**
 * The pieces of the streaming JSON output against what they replace: masking against {@link
 * Secrets#mask}, maps against Jackson's tree, timestamps against {@link DateTimeFormatter}, the
 * UTF-8 encoding against {@link String#getBytes}.
 */
class JsonWritersTest {
  private static final DateTimeFormatter PATTERN =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSxxx");

  static byte[] stream(JsonBody body) throws Exception {
    JsonOutput out = JsonOutput.render(body);
    try {
      byte[] b = new byte[out.length()];
      out.buffer().get(b);
      return b;
    } finally {
      out.release();
    }
  }

  private static byte[] tree(Object value) {
    return Json.write(Json.toJson(value)).getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void maskedMapsAreSecretsMaskThenTree() throws Exception {
    Map<String, Object> deep = JsonCases.secretsAtDepth();
    assertThat(new String(stream(g -> Json.writeMasked(g, deep)), StandardCharsets.UTF_8))
        .contains("\"amt_password\":\"******\"")
        .contains("\"private_key\":\"******\"")
        .contains("\"empty_token\":\"\"")
        .contains("\"null_secret\":null")
        .contains("\"token_map\":\"******\"")
        .contains("not masked in a list");
    assertThat(stream(g -> Json.writeMasked(g, deep))).isEqualTo(tree(Secrets.mask(deep)));
    Random r = new Random(7);
    for (int i = 0; i < 5000; i++) {
      Map<String, Object> m = JsonCases.randomMap(r, 3);
      assertThat(stream(g -> Json.writeMasked(g, m))).as("%s", m).isEqualTo(tree(Secrets.mask(m)));
    }
  }

  @Test
  void plainMapsAreTheTree() throws Exception {
    Map<String, Object> deep = JsonCases.secretsAtDepth();
    assertThat(stream(g -> Json.writeMap(g, deep))).isEqualTo(tree(deep));
    Map<Object, Object> oddKeys = new java.util.LinkedHashMap<>();
    oddKeys.put(1, "one");
    oddKeys.put("two", 2);
    assertThat(stream(g -> Json.writeMap(g, oddKeys))).isEqualTo(tree(oddKeys));
    Random r = new Random(11);
    for (int i = 0; i < 5000; i++) {
      Map<String, Object> m = JsonCases.randomMap(r, 3);
      assertThat(stream(g -> Json.writeMap(g, m))).as("%s", m).isEqualTo(tree(m));
    }
  }

  @Test
  void timestampsAsTheFormatterPrintsThem() throws Exception {
    long min = Instant.parse("0001-01-01T00:00:00Z").getEpochSecond();
    long max = Instant.parse("9999-12-31T23:59:59Z").getEpochSecond();
    Random r = new Random(3);
    for (int i = 0; i < 200_000; i++) {
      long s = i < 100_000 ? min + (long) (r.nextDouble() * (max - min)) : r.nextInt() * 64L;
      checkTime(Instant.ofEpochSecond(s, r.nextInt(1_000_000_000)));
    }
    for (String edge :
        new String[] {
          "0001-01-01T00:00:00Z",
          "9999-12-31T23:59:59.999999999Z",
          "1970-01-01T00:00:00Z",
          "1969-12-31T23:59:59.999999999Z",
          "2000-02-29T12:00:00.000000999Z",
          "1900-02-28T23:59:59Z",
          "1900-03-01T00:00:00Z",
          "2100-03-01T00:00:00Z",
          "2400-02-29T00:00:00Z",
          "-0001-12-31T23:59:59Z",
          "0000-06-01T00:00:00Z",
          "+10000-01-01T00:00:00Z",
          "-999999999-01-01T00:00:00Z",
          "+999999999-12-31T23:59:59.999999999Z"
        }) {
      checkTime(Instant.parse(edge));
    }
    for (long day = -800_000; day < 3_000_000; day += 1) {
      checkTime(Instant.ofEpochSecond(day * 86_400 + 86_399, 999_999_000));
    }
    assertThat(Json.time(null)).isNull();
    assertThat(stream(g -> Json.writeTime(g, null))).isEqualTo("null".getBytes());
  }

  private static void checkTime(Instant t) throws Exception {
    String expected = PATTERN.format(t.atOffset(ZoneOffset.UTC));
    assertThat(Json.time(t)).as("%s", t).isEqualTo(expected);
    if (t.getEpochSecond() % 97 == 0) {
      assertThat(new String(stream(g -> Json.writeTime(g, t)), StandardCharsets.UTF_8))
          .isEqualTo("\"" + expected + "\"");
    }
  }

  @Test
  void utf8AsStringGetBytesIncludingBrokenSurrogates() throws Exception {
    Random r = new Random(5);
    char[] alphabet = {
      'a', '"', '\\', '\n', '\u0001', '\u00e9', '\u07ff', '\u0800', '\u20ac', '\uffff', '\uD83D',
      '\uDE00', '\uD800', '\uDFFF', '\u2028'
    };
    for (int i = 0; i < 3000; i++) {
      // NOTE: lengths around Jackson's 8000-char output buffer, so that a surrogate pair is
      // split between two writes to the encoder.
      int length = i % 10 == 0 ? 7990 + r.nextInt(40) : r.nextInt(40);
      StringBuilder text = new StringBuilder();
      for (int k = 0; k < length; k++) {
        text.append(alphabet[r.nextInt(alphabet.length)]);
      }
      String s = text.toString();
      assertThat(stream(g -> g.writeString(s)))
          .as("%s", s)
          .isEqualTo(Json.write(TextNode.valueOf(s)).getBytes(StandardCharsets.UTF_8));
    }
    // A high surrogate at the very end of the output, then a pair split by the buffer.
    assertThat(stream(g -> g.writeRawValue("\"x\uD83D")))
        .isEqualTo("\"x\uD83D".getBytes(StandardCharsets.UTF_8));
    String split = "a".repeat(7999) + "\uD83D\uDE00";
    assertThat(stream(g -> g.writeString(split)))
        .isEqualTo(Json.write(TextNode.valueOf(split)).getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void linksAsLinksOfBuildsThem() throws Exception {
    for (String base : new String[] {"http://127.0.0.1:6385", "", "https://h\"\u00e9\uD800:1"}) {
      for (String id : new String[] {"abc", "", null, "a/b"}) {
        assertThat(stream(g -> Links.write(g, base, "nodes", id)))
            .isEqualTo(Json.write(Links.of(base, "nodes", id)).getBytes(StandardCharsets.UTF_8));
        String joined = id + "/states";
        assertThat(stream(g -> Links.write(g, base, "nodes", id, "states")))
            .isEqualTo(
                Json.write(Links.of(base, "nodes", joined)).getBytes(StandardCharsets.UTF_8));
      }
    }
  }

  @Test
  void buffersAreReusedAndReleasedOnce() throws Exception {
    JsonOutput first = JsonOutput.render(g -> g.writeString("first"));
    first.release();
    first.release(); // a second release must not put it in the pool twice
    JsonOutput a = JsonOutput.render(g -> g.writeString("a"));
    JsonOutput b = JsonOutput.render(g -> g.writeString("b"));
    try {
      assertThat(a).isNotSameAs(b);
      assertThat(new String(a.buffer().array(), 0, a.length(), StandardCharsets.UTF_8))
          .isEqualTo("\"a\"");
      assertThat(new String(b.buffer().array(), 0, b.length(), StandardCharsets.UTF_8))
          .isEqualTo("\"b\"");
    } finally {
      a.release();
      b.release();
    }
  }
}
