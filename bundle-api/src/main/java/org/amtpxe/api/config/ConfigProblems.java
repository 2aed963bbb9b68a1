package org.amtpxe.api.config;

import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The problems found in one configuration of a PID, and the bundle's one format to report them:
 *
 * <pre>
 * Invalid configuration PID: key=value: requirement; key=value: requirement. Fix etc/PID.cfg; CONSEQUENCE.
 * </pre>
 *
 * Each problem names the key, the value as it was given (the value of a key whose name contains
 * {@code password} is never shown) and what is allowed, starting with "must". The closing sentence
 * says where to fix it and what is in force meanwhile. bundle-amt, bundle-pxe and bundle-conductor
 * all report through this class, so their reports read alike (docs/configuration.md).
 */
public final class ConfigProblems {
  /** The consequence while a component keeps the configuration it had. */
  public static final String PREVIOUS_STAYS = "the previous configuration stays in force";

  /** What a secret's value is shown as. */
  public static final String NOT_SHOWN = "(not shown)";

  private final String pid;
  private final List<String> problems = new ArrayList<>();
  private final Set<String> badKeys = new HashSet<>();
  // Keys whose value did not convert to the type the metatype declares: the value as given, and
  // the requirement of the type. A range check on the key reports it with its range instead.
  private final Map<String, Unconverted> unconverted = new LinkedHashMap<>();

  private record Unconverted(Object value, String requirement) {}

  /**
   * @param pid the configuration PID, named in the report
   */
  public ConfigProblems(String pid) {
    this.pid = pid;
  }

  /**
   * Adds a problem.
   *
   * @param key the configuration key
   * @param value the value as given; when the key's value did not convert to its type, that value
   *     is shown instead
   * @param requirement what is allowed, starting with "must", without a semicolon
   */
  public void add(String key, Object value, String requirement) {
    Unconverted u = unconverted.remove(key);
    badKeys.add(key);
    problems.add(key + "=" + show(key, u != null ? u.value() : value) + ": " + requirement);
  }

  /** Records a value that does not convert to its declared type (see {@link TypedConfig}). */
  void unconverted(String key, Object value, String requirement) {
    badKeys.add(key);
    unconverted.put(key, new Unconverted(value, requirement));
  }

  /**
   * Checks an integer key: reports it, with its range, when it is out of range or was not an
   * integer at all.
   *
   * @return the value, for chaining
   */
  public int integer(String key, int value, int min, int max) {
    return (int) integer(key, (long) value, min, max);
  }

  /** Like {@link #integer(String, int, int, int)} for a {@code long} key. */
  public long integer(String key, long value, long min, long max) {
    check(key, value, value >= min && value <= max, "must be an integer in " + min + "-" + max);
    return value;
  }

  /**
   * Reports a key whose value is not acceptable or was not of its type at all.
   *
   * @param ok whether the (converted) value is acceptable
   * @param requirement what is allowed, starting with "must"
   * @return whether it was fine
   */
  public boolean check(String key, Object value, boolean ok, String requirement) {
    if (ok && !unconverted.containsKey(key)) {
      return true;
    }
    add(key, value, requirement);
    return false;
  }

  /** Whether none of these keys has a problem so far: guards checks that combine keys. */
  public boolean valid(String... keys) {
    for (String key : keys) {
      if (badKeys.contains(key)) {
        return false;
      }
    }
    return true;
  }

  /** Whether nothing is wrong. */
  public boolean isEmpty() {
    return problems.isEmpty() && unconverted.isEmpty();
  }

  /** Every problem, each as {@code key=value: requirement}. */
  public List<String> list() {
    List<String> all = new ArrayList<>(problems);
    unconverted.forEach(
        (key, u) -> all.add(key + "=" + show(key, u.value()) + ": " + u.requirement()));
    return all;
  }

  /**
   * The report: one sentence listing the problems, one saying where to fix them and what is in
   * force meanwhile.
   *
   * @param consequence what is in force meanwhile, e.g. {@link #PREVIOUS_STAYS}
   */
  public String report(String consequence) {
    return "Invalid configuration "
        + pid
        + ": "
        + String.join("; ", list())
        + ". Fix etc/"
        + pid
        + ".cfg; "
        + consequence
        + ".";
  }

  /**
   * @throws InvalidConfigurationException when there is a problem
   */
  public void throwIfAny() {
    if (!isEmpty()) {
      throw new InvalidConfigurationException(this);
    }
  }

  private static String show(String key, Object value) {
    if (key.toLowerCase(Locale.ROOT).contains("password")) {
      return NOT_SHOWN;
    }
    if (value == null) {
      return "";
    }
    if (value.getClass().isArray()) {
      List<Object> items = new ArrayList<>();
      for (int i = 0; i < Array.getLength(value); i++) {
        items.add(Array.get(value, i));
      }
      return items.toString();
    }
    if (value instanceof Collection<?> c) {
      return c.toString();
    }
    return value.toString();
  }

  /** A configuration refused; the message is the report with {@link #PREVIOUS_STAYS}. */
  public static final class InvalidConfigurationException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;
    private final transient ConfigProblems problems;

    InvalidConfigurationException(ConfigProblems problems) {
      super(problems.report(PREVIOUS_STAYS));
      this.problems = problems;
    }

    /** One entry per problem: {@code key=value: requirement}. */
    public List<String> problems() {
      return problems.list();
    }

    /** The report with another consequence, e.g. at activation. */
    public String report(String consequence) {
      return problems.report(consequence);
    }
  }
}
