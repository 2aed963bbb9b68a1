package org.amtpxe.conductor.internal.service;

import java.time.Instant;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.amtpxe.api.history.NodeHistory;
import org.amtpxe.conductor.internal.task.TaskManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The conductor's {@link NodeHistory} service: writes the events other bundles note (the boot
 * servers' files served to a node being deployed) on one thread of its own, so that a slow database
 * never holds a TFTP or HTTP transfer. Bounded: at most {@link #QUEUE} events wait; beyond them,
 * and after {@link #close}, events are dropped with a debug line.
 */
public final class NodeHistoryService implements NodeHistory, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(NodeHistoryService.class);

  /** Events that may wait to be written. */
  public static final int QUEUE = 1_000;

  private final TaskManager tasks;
  private final ThreadPoolExecutor writer;

  public NodeHistoryService(TaskManager tasks) {
    this.tasks = tasks;
    this.writer =
        new ThreadPoolExecutor(
            1,
            1,
            30,
            TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(QUEUE),
            r -> {
              Thread t = new Thread(r, "amtpxe-node-history");
              t.setDaemon(true);
              return t;
            });
    writer.allowCoreThreadTimeOut(true);
  }

  @Override
  public void record(String nodeUuid, Instant at, String eventType, String event) {
    if (nodeUuid == null || at == null || eventType == null || event == null) {
      throw new IllegalArgumentException("A node history event needs a node, a time, a type, text");
    }
    String text = TaskManager.bounded(event);
    try {
      writer.execute(() -> write(nodeUuid, at, eventType, text));
    } catch (RejectedExecutionException e) {
      LOG.debug("Node {}: history event dropped (queue full or closed): {}", nodeUuid, text);
    }
  }

  private void write(String nodeUuid, Instant at, String eventType, String text) {
    try {
      tasks.store().transaction(h -> tasks.history(h, nodeUuid, at, "INFO", eventType, text));
    } catch (RuntimeException e) {
      // A StoreException: the node was deleted meanwhile (its history goes with it), or the
      // database is down.
      LOG.debug("Node {}: history event not written ({}): {}", nodeUuid, e.getMessage(), text);
    }
  }

  /** Writes what is queued, for at most two seconds, then drops the rest. */
  @Override
  public void close() {
    writer.shutdown();
    try {
      if (!writer.awaitTermination(2, TimeUnit.SECONDS)) {
        writer.shutdownNow();
      }
    } catch (InterruptedException e) {
      writer.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}
