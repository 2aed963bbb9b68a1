package org.amtpxe.conductor.internal.task;

/**
 * The API user on whose behalf the current thread works: the REST layer sets it around a request, a
 * {@link Task} takes it when it is opened, and every history event the task writes names it
 * (Ironic's {@code user} of a node history record), also from the worker that finishes the task.
 */
public final class RequestUser {
  private static final ThreadLocal<String> CURRENT = new ThreadLocal<>();

  private RequestUser() {}

  /** The user of the request this thread serves, or null (no authentication, or no request). */
  public static String current() {
    return CURRENT.get();
  }

  /** Sets the user until the returned scope is closed. */
  public static Scope as(String user) {
    String previous = CURRENT.get();
    CURRENT.set(user);
    return () -> {
      if (previous == null) {
        CURRENT.remove();
      } else {
        CURRENT.set(previous);
      }
    };
  }

  /** Restores the previous user. */
  public interface Scope extends AutoCloseable {
    @Override
    void close();
  }
}
