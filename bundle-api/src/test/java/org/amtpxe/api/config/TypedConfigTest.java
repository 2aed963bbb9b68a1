package org.amtpxe.api.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The read path shared by every key of the bundle, and the one problem format. */
class TypedConfigTest {

  @interface Sample {
    int an__int() default 7;

    long a__long() default 1L << 40;

    boolean a__flag() default true;

    String a__text() default "x";

    String _secret__password() default "";
  }

  @Test
  void keysAreMappedAsDsAndTheMetatypeMapThem() {
    assertThat(TypedConfig.key("max__attempts")).isEqualTo("max_attempts");
    assertThat(TypedConfig.key("_truststore__password")).isEqualTo(".truststore_password");
    assertThat(TypedConfig.key("a_b")).isEqualTo("a.b");
    assertThat(TypedConfig.key("a$_$b")).isEqualTo("a-b");
    assertThat(TypedConfig.key("a$$b")).isEqualTo("a$b");
    assertThat(TypedConfig.key("a$b")).isEqualTo("ab");
  }

  @Test
  void absentKeysGetTheDefaultsOfTheInterface() {
    ConfigProblems problems = new ConfigProblems("p");
    Sample s = TypedConfig.read(Sample.class, Map.of("service.pid", "p"), problems);

    assertThat(problems.isEmpty()).isTrue();
    assertThat(s.an__int()).isEqualTo(7);
    assertThat(s.a__long()).isEqualTo(1L << 40);
    assertThat(s.a__flag()).isTrue();
    assertThat(s.a__text()).isEqualTo("x");
    assertThat(TypedConfig.defaults(Sample.class))
        .containsOnlyKeys("an_int", "a_long", "a_flag", "a_text", ".secret_password")
        .containsEntry("an_int", 7);
  }

  @Test
  void stringsFromACfgFileAndTypedValuesAreConverted() {
    ConfigProblems problems = new ConfigProblems("p");
    Sample s =
        TypedConfig.read(
            Sample.class,
            Map.of("an_int", " 12 ", "a_long", 5, "a_flag", "FALSE", "a_text", ""),
            problems);

    assertThat(problems.isEmpty()).isTrue();
    assertThat(s.an__int()).isEqualTo(12);
    assertThat(s.a__long()).isEqualTo(5L);
    assertThat(s.a__flag()).isFalse();
    assertThat(s.a__text()).isEmpty();
  }

  @Test
  void valuesOfAnotherTypeAreNamedWithTheirKeyAndTheDefaultStandsIn() {
    ConfigProblems problems = new ConfigProblems("org.example");
    Sample s =
        TypedConfig.read(
            Sample.class,
            Map.of(
                "an_int",
                "3000000000",
                "a_long",
                "1.5",
                "a_flag",
                "yes",
                "a_text",
                new String[] {"a", "b"},
                ".secret_password",
                "hunter2"),
            problems);

    assertThat(s.an__int()).isEqualTo(7);
    assertThat(s.a__flag()).isTrue();
    assertThat(problems.list())
        .containsExactlyInAnyOrder(
            "an_int=3000000000: must be an integer",
            "a_long=1.5: must be an integer",
            "a_flag=yes: must be true or false",
            "a_text=[a, b]: must be a single value");
    assertThat(s.toString()).contains("an_int=7").doesNotContain("hunter2");
  }

  @Test
  void aRangeCheckReportsAnUnconvertedValueOnceWithItsRange() {
    ConfigProblems problems = new ConfigProblems("org.example");
    Sample s = TypedConfig.read(Sample.class, Map.of("an_int", "seven"), problems);

    problems.integer("an_int", s.an__int(), 1, 10);

    assertThat(problems.list()).containsExactly("an_int=seven: must be an integer in 1-10");
    assertThat(problems.valid("an_int")).isFalse();
    assertThat(problems.valid("a_long")).isTrue();
  }

  @Test
  void theReportIsOneSentenceOfProblemsAndOneClosingSentence() {
    ConfigProblems problems = new ConfigProblems("org.example");
    problems.add("a", "1", "must be b");
    problems.add("c_password", "hunter2", "must be set with c");
    problems.unconverted("d", "x", "must be an integer");

    assertThat(problems.report(ConfigProblems.PREVIOUS_STAYS))
        .isEqualTo(
            "Invalid configuration org.example: a=1: must be b; c_password=(not shown): must be"
                + " set with c; d=x: must be an integer. Fix etc/org.example.cfg; the previous"
                + " configuration stays in force.");
    assertThatThrownBy(problems::throwIfAny)
        .isInstanceOfSatisfying(
            ConfigProblems.InvalidConfigurationException.class,
            e -> assertThat(e.problems()).hasSize(3))
        .hasMessageEndingWith("the previous configuration stays in force.");
    assertThat(new ConfigProblems("x").list()).isEqualTo(List.of());
  }
}
