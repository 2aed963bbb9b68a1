package org.amtpxe.pxe.internal.driver;

import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The AMT services currently registered, best first by {@code service.ranking} then lowest {@code
 * service.id}, as OSGi would choose. Looked up on every call so that a replaced AMT bundle is used
 * at once.
 *
 * @param <S> the service type
 */
final class AmtServices<S> {
  private record Rank(int ranking, long id) {}

  private final ConcurrentSkipListMap<Rank, S> services =
      new ConcurrentSkipListMap<>(
          Comparator.comparingInt(Rank::ranking).reversed().thenComparingLong(Rank::id));

  void add(S service, Map<String, ?> properties) {
    services.put(rank(properties), service);
  }

  void remove(Map<String, ?> properties) {
    services.remove(rank(properties));
  }

  Optional<S> best() {
    Map.Entry<Rank, S> first = services.firstEntry();
    return first == null ? Optional.empty() : Optional.of(first.getValue());
  }

  private static Rank rank(Map<String, ?> p) {
    Object ranking = p.get("service.ranking");
    Object id = p.get("service.id");
    return new Rank(
        ranking instanceof Integer r ? r : 0, id instanceof Number n ? n.longValue() : 0L);
  }
}
